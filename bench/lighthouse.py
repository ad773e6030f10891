"""`make lighthouse`: Lighthouse's mobile profile on home, the catalogue and a practice page.

It collects the static files, starts gunicorn with production settings on a free loopback port
(the same way `make bench` does), loads each page once so it is served as a reader would get it
from the page cache, and runs Lighthouse (installed by `make lighthouse` into .tools/,
git-ignored) in Debian's Chromium several times per page. It prints the median score of each
category and whatever kept a run below 100; the JSON reports go to bench/results/lighthouse/.

Each page is measured twice:
- "as is": the mobile profile unchanged (Slow 4G, CPU slowed down 4 times).
- "calibrated": the CPU slowdown that Lighthouse's own documentation (docs/throttling.md,
  "CPU throttling") asks for on a host slower than it expects. The 4 times assume a desktop
  whose benchmark index is about 1,000; the device the profile stands for (a Moto G Power)
  scores about 264 (Chrome DevTools' calibration uses the same figure). So the slowdown is this
  machine's median benchmark index in the "as is" runs divided by 264, between 1 and 4: on a
  busy shared machine the unchanged profile measures a phone several times slower than a
  Moto G Power, and says so in a warning in every report.

Environment (all optional):
  DATABASE_URL       the database to serve (default: the seeded SQLite file of `make setup`)
  LIGHTHOUSE_RUNS    runs per page and mode, the median is reported (default 3)

It exits with 1 when a calibrated median is below 100.
"""

# ruff: noqa: S603 (every command here is built from fixed paths and numbers, no user input)
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import urllib.request

from run import BASE_DIR, RESULTS, ensure_static, log, production_environment, start_gunicorn

sys.path.insert(0, str(BASE_DIR))
from tests.conftest import CHROMIUM_ARGS

LIGHTHOUSE = BASE_DIR / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The benchmark index of the phone the mobile profile stands for (see the docstring).
REFERENCE_PHONE_INDEX = 264
# The flags Debian's Chromium needs on these machines, as in the browser tests (TOOLCHAIN.md),
# and Chromium's own headless mode.
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS]


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback only)
        return response.read().decode()


def pages(base):
    # The newest practice, found the way a reader finds it: the first card of the catalogue.
    catalogue = fetch(f"{base}/practices/")
    practice = re.search(r'class="card-title"><a href="([^"]+)"', catalogue).group(1)
    return {"home": "/", "catalogue": "/practices/", "practice page": practice}


def lighthouse(url, report, *, cpu_slowdown=None):
    environment = {**os.environ, "CHROME_PATH": shutil.which("chromium") or ""}
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
    ]
    if cpu_slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}")
    # Now and then Chromium's trace misses the navigation (NO_NAVSTART), and Lighthouse asks to
    # be run again: a run gets three tries.
    for attempt in range(3):
        if subprocess.run(command, env=environment, timeout=300).returncode == 0:
            return json.loads(report.read_text())
        log(f"    Lighthouse failed (try {attempt + 1} of 3)")
    raise SystemExit(f"Lighthouse failed three times on {url}")


def measure(base, name, path, runs, reports, cpu_slowdown=None):
    """Runs Lighthouse `runs` times on one page: each category's scores, the benchmark indexes,
    and the audits that cost points."""
    mode = "as-is" if cpu_slowdown is None else "calibrated"
    scores = {category: [] for category in CATEGORIES}
    indexes, missed = [], set()
    for run in range(1, runs + 1):
        log(f"  {name} ({path}), {mode}, run {run} of {runs}")
        report = reports / f"{name.replace(' ', '-')}-{mode}-{run}.json"
        result = lighthouse(f"{base}{path}", report, cpu_slowdown=cpu_slowdown)
        for category in CATEGORIES:
            scores[category].append(round(result["categories"][category]["score"] * 100))
        indexes.append(result["environment"]["benchmarkIndex"])
        missed.update(shortfalls(result))
    return {"scores": scores, "indexes": indexes, "missed": sorted(missed)}


def shortfalls(result):
    """The audits that cost points, as 'category: audit (value)'."""
    found = []
    for category in CATEGORIES:
        for reference in result["categories"][category]["auditRefs"]:
            audit = result["audits"][reference["id"]]
            if reference["weight"] and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                found.append(f"{category}: {audit['id']}" + (f" ({value})" if value else ""))
    return found


def main():
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run make lighthouse.")
    if shutil.which("chromium") is None:
        raise SystemExit("Chromium is not installed: apt-get install -y chromium.")
    runs = int(os.environ.get("LIGHTHOUSE_RUNS") or 3)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    environment = production_environment(database_url)
    ensure_static(environment)
    reports = RESULTS / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    server, base = start_gunicorn(environment)
    rows = []
    try:
        for name, path in pages(base).items():
            fetch(f"{base}{path}")  # into the page cache, where readers find it
            as_is = measure(base, name, path, runs, reports)
            index = statistics.median(as_is["indexes"])
            slowdown = round(min(4.0, max(1.0, index / REFERENCE_PHONE_INDEX)), 1)
            calibrated = measure(base, name, path, runs, reports, cpu_slowdown=slowdown)
            rows.append((name, path, as_is, slowdown, calibrated))
    finally:
        server.terminate()
        server.wait()
    print(f"Lighthouse {lighthouse_version()}, mobile profile, median of {runs} runs:\n")
    print("| page | CPU slowdown | " + " | ".join(CATEGORIES) + " | benchmark index |")
    print("|---|--:|" + "--:|" * (len(CATEGORIES) + 1))
    below = False
    for name, path, as_is, slowdown, calibrated in rows:
        for label, measured in (("4 (as is)", as_is), (f"{slowdown:g} (calibrated)", calibrated)):
            medians = [statistics.median(measured["scores"][c]) for c in CATEGORIES]
            # The gate is the calibrated profile: "as is" measures this machine's load too.
            below = below or (measured is calibrated and any(m < 100 for m in medians))
            indexes = ", ".join(f"{i:.0f}" for i in measured["indexes"])
            cells = " | ".join(f"{m:g}" for m in medians)
            print(f"| {name} `{path}` | {label} | {cells} | {indexes} |")
    for name, _, as_is, _, calibrated in rows:
        for mode, measured in (("as is", as_is), ("calibrated", calibrated)):
            print(f"\n{name}, {mode}: every run {measured['scores']}")
            for line in measured["missed"]:
                print(f"  below 100 in a run: {line}")
    if below:
        sys.exit(1)


def lighthouse_version():
    output = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True)
    return output.stdout.strip()


if __name__ == "__main__":
    main()
