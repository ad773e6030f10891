"""Static checks on our own source: nothing marks unescaped user content safe, no template needs an
inline script or style the CSP would block, ruff's security rules stay on, and the lock file
pins every dependency pyproject.toml declares."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRECTORIES = {".venv", ".lock-venv", "staticfiles", "node_modules", ".git"}

# Reviewed exceptions: the Markdown filter marks nh3's sanitised output safe; the search snippet
# escapes the text first and adds only <mark> and </mark> (a control character a user slips in
# can at worst add one more of those); the JSON-LD tag escapes "<", ">" and "&" in its JSON as
# Django's json_script does, so nothing in it can end the <script type="application/ld+json">.
REVIEWED_MARK_SAFE = {
    "cases/templatetags/markdown.py",
    "cases/search.py",
    "opendata/templatetags/opendata.py",
    # A constant attribute, and a peer's shared-challenge line joined from escaped parts
    # (record titles and event titles through conditional_escape or format_html; the rest is
    # the site's own translated text).
    "cases/templatetags/city_map.py",
    "cases/templatetags/records.py",
    # A practice's card and the peer finder's city list, joined from escaped parts (issue 13:
    # written in Python, as pages show dozens of cards and a thousand cities; hostile names in
    # tests/test_peers.py).
    "cases/templatetags/cards.py",
    "cases/templatetags/peer_finder.py",
}


def project_files(pattern):
    for path in ROOT.rglob(pattern):
        relative = path.relative_to(ROOT)
        if not SKIPPED_DIRECTORIES & set(relative.parts):
            yield relative.as_posix(), path.read_text(encoding="utf-8")


def templates():
    return [item for item in project_files("*.html") if "templates/" in f"/{item[0]}"]


TEMPLATE_RULES = {
    "|safe or |safeseq": re.compile(r"\|\s*safe(seq)?\b"),
    "autoescape off": re.compile(r"{%\s*autoescape\s+off"),
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("rule", TEMPLATE_RULES)
def test_no_template_breaks_the_rule(rule):
    offenders = [
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}"
        for name, text in templates()
        for match in TEMPLATE_RULES[rule].finditer(text)
    ]
    assert offenders == [], f"{rule} in {offenders}"


def test_the_template_rules_catch_what_they_are_for():
    samples = {
        "|safe or |safeseq": "{{ practice.summary|safe }}",
        "autoescape off": "{% autoescape off %}",
        "inline script": "<script>alert(1)</script>",
        "style block": "<style>p {}</style>",
        "style attribute": '<p style="color: red">',
        "event handler attribute": '<a href="/" onclick="go()">',
        "javascript: URL": '<a href="javascript:go()">',
    }
    for rule, sample in samples.items():
        assert TEMPLATE_RULES[rule].search(sample), rule
    assert not TEMPLATE_RULES["inline script"].search('<script src="/static/js/x.js" defer>')


def test_nothing_but_the_reviewed_markdown_filter_marks_strings_safe():
    unsafe = re.compile(r"\b(mark_safe|SafeString|SafeText)\b|@register\.filter\(is_safe=True")
    offenders = [
        name
        for name, text in project_files("*.py")
        if not name.startswith("tests/") and unsafe.search(text)
    ]
    assert sorted(offenders) == sorted(REVIEWED_MARK_SAFE)


def test_ruff_security_rules_are_selected():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "S" in pyproject["tool"]["ruff"]["lint"]["select"]
    assert not any(code.startswith("S") for code in pyproject["tool"]["ruff"]["lint"]["ignore"])


def test_lock_file_pins_every_declared_dependency():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    declared = [Requirement(item) for item in project["dependencies"]]
    declared += [Requirement(item) for item in project["optional-dependencies"]["dev"]]
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[canonicalize_name(name)] = version
    for requirement in declared:
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(version, prereleases=True), requirement
