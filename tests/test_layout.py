"""One obvious place for each thing: views fit on a screen, reads live in cases/selectors.py, and
imports go one way (challenges knows nothing of cases; reads know nothing of views or forms)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_VIEW_LINES = 30


def parse(path):
    return ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)


def imported_modules(path):
    """Every module `path` imports, relative imports spelled out in full."""
    package = ".".join(Path(path).with_suffix("").parts[:-1])
    modules = set()
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            modules.add(module)
            # `from . import views` imports the module cases.views.
            modules.update(f"{module}.{alias.name}" for alias in node.names)
    return modules


def python_files(directory):
    return [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / directory).rglob("*.py"))
        if "migrations" not in path.parts
    ]


@pytest.mark.parametrize("path", ["cases/views.py", "cases/editor_views.py", "citylearn/views.py"])
def test_every_view_fits_on_a_screen(path):
    too_long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in parse(path).body
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno >= MAX_VIEW_LINES
    ]
    assert too_long == []


def test_challenges_import_nothing_from_cases():
    offenders = {
        path: sorted(module for module in imported_modules(path) if module.startswith("cases"))
        for path in python_files("challenges")
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


@pytest.mark.parametrize("path", ["cases/models.py", "cases/selectors.py", "cases/catalogue.py"])
def test_models_and_reads_import_no_views_or_forms(path):
    layers = ("views", "editor_views", "forms")
    imported = [m for m in imported_modules(path) if m.rsplit(".", 1)[-1] in layers]
    assert imported == []


def test_only_the_url_configuration_imports_the_public_views():
    importers = [
        path
        for directory in ("cases", "challenges", "citylearn")
        for path in python_files(directory)
        if "cases.views" in imported_modules(path)
    ]
    assert importers == ["cases/urls.py"]
