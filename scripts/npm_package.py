"""Fetch one pinned npm package for a build script, refusing any tarball but the published one."""

import base64
import hashlib
import subprocess
from pathlib import Path


def verified_tarball(package: str, integrity: str, directory, tarball: Path | None = None) -> Path:
    """`package` ("name@version") as `npm pack` gives it (or `tarball`, if given), checked
    against `integrity`, the npm registry's sha512 record of that version."""
    if tarball is None:
        # npm from PATH with fixed arguments: the one step that needs the registry.
        subprocess.run(  # noqa: S603
            ["npm", "pack", package, "--pack-destination", str(directory), "--silent"],  # noqa: S607
            check=True,
            capture_output=True,
        )
        name = package.rsplit("@", 1)[0]
        tarball = next(Path(directory).glob(f"{name}-*.tgz"))
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != integrity:
        raise SystemExit(f"{tarball} is not {package} as published (integrity differs)")
    return tarball
