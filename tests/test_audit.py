"""The dependency audit fails on known vulnerabilities only: with PyPI's recorded JSON answers
(tests/data/pypi/), no network."""

import importlib.machinery
import importlib.util
import io
import json

import pytest
from django.conf import settings

DATA = settings.BASE_DIR / "tests" / "data" / "pypi"
RELEASE = "https://pypi.org/pypi/{}/{}/json"
PROJECT = "https://pypi.org/pypi/{}/json"


def load_audit():
    # scripts/audit-dependencies is a script without .py; load it from its file.
    path = str(settings.BASE_DIR / "scripts" / "audit-dependencies")
    loader = importlib.machinery.SourceFileLoader("audit_dependencies", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


audit = load_audit()


def pypi(answers):
    """A PyPI that answers these URLs with recorded JSON and everything else with a 404."""

    def fetch(url):
        if url in answers:
            return json.loads((DATA / answers[url]).read_text()), ""
        return None, "HTTP 404"

    return fetch


def run(lock_text, answers, tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text(lock_text)
    out = io.StringIO()
    status = audit.main(["audit-dependencies", str(lock)], fetch=pypi(answers), out=out)
    return status, out.getvalue()


def test_a_release_with_a_known_vulnerability_fails_and_names_it():
    fetch = pypi({RELEASE.format("Django", "3.0.2"): "django-3.0.2-release.json"})
    kind, detail = audit.verdict("Django", "3.0.2", fetch)
    assert kind == audit.VULNERABLE
    assert detail == "PYSEC-2021-9 (fixed in 2.2.18, 3.0.12, 3.1.6)"


def test_a_withdrawn_advisory_does_not_count():
    fetch = pypi({RELEASE.format("sampleproject", "1.2.0"): "sampleproject-1.2.0-release.json"})
    assert audit.verdict("sampleproject", "1.2.0", fetch)[0] == audit.CLEAN


def test_the_latest_release_is_checked_from_the_project_json_when_the_release_json_fails():
    fetch = pypi({PROJECT.format("Django"): "django-project.json"})
    assert audit.verdict("Django", "6.1.3", fetch)[0] == audit.CLEAN


def test_an_older_pin_is_a_warning_that_names_it_not_a_failure(tmp_path):
    answers = {PROJECT.format("Django"): "django-project.json"}
    status, output = run("Django==6.0.10\n", answers, tmp_path)
    assert status == 0
    assert "warning: Django==6.0.10: cannot be checked here" in output
    assert "reports on 6.1.3 only" in output
    assert "Not checked (1): Django" in output


def test_a_pin_its_release_json_clears_passes_whatever_the_latest_release(tmp_path):
    # Only the release's own JSON is read: which release is the latest does not matter.
    answers = {RELEASE.format("sampleproject", "1.2.0"): "sampleproject-1.2.0-release.json"}
    assert run("sampleproject==1.2.0\n", answers, tmp_path) == (
        0,
        "ok: sampleproject==1.2.0: no known vulnerability\n"
        "No known vulnerability in the 1 pins checked.\n",
    )


def test_no_answer_from_pypi_is_a_warning(tmp_path):
    status, output = run("somepackage==1.0\n", {}, tmp_path)
    assert status == 0
    assert "warning: somepackage==1.0: PyPI gave no JSON" in output


@pytest.mark.parametrize(
    ("lock", "status"),
    [
        ("Django==6.1.3\nsomepackage==1.0\n", 0),
        ("Django==6.1.3\nDjango==3.0.2\nsomepackage==1.0\n", 1),
    ],
)
def test_the_exit_status_is_1_only_for_a_known_vulnerability(tmp_path, lock, status):
    answers = {
        PROJECT.format("Django"): "django-project.json",
        RELEASE.format("Django", "3.0.2"): "django-3.0.2-release.json",
    }
    assert run(lock, answers, tmp_path)[0] == status


def test_comments_and_blank_lines_in_the_lock_file_are_skipped():
    assert list(audit.pins(["# pinned", "", "Django==6.1.3  # the framework"])) == [
        ("Django", "6.1.3")
    ]
