#!/usr/bin/env python3
"""Check that the seed catalogue quotes its source documents word for word.

Usage: python scripts/check_seed_quotes.py [SEEDS_DIR]

SEEDS_DIR defaults to ../shared/seeds next to the repository. Which document each source
comes from is recorded once, in fixtures/seed_documents.json (source slug -> file name).

Checked against the document of the record's source: every event's and practice's quote, a
practice's further passages, the passage that says who voiced a recommendation and the one that
gives the source's own view; the passage of every city on a practice or at an event and of every
challenge link; every person's passage, their part at an event and everything they said. A
published record's city link without its passage fails too.

Only runs of whitespace are normalised (to one space) before comparing; everything else,
curly apostrophes included, must match exactly. Exits 1 and lists the failures if any.
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SEED_DOCUMENTS = FIXTURES / "seed_documents.json"
DEFAULT_SEEDS_DIR = REPO.parent / "shared" / "seeds"
PUBLIC_STATUSES = {"published", "archived"}

_WHITESPACE = re.compile(r"\s+")


def normalise(text):
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return _WHITESPACE.sub(" ", text).strip()


def seed_documents():
    """The mapping of source slug to seed document file name."""
    return json.loads(SEED_DOCUMENTS.read_text(encoding="utf-8"))


def read_documents(seeds_dir=DEFAULT_SEEDS_DIR):
    """Source slug -> normalised text of its seed document (None when the file is missing)."""
    texts = {}
    for slug, name in seed_documents().items():
        path = Path(seeds_dir) / name
        texts[slug] = normalise(path.read_text(encoding="utf-8")) if path.is_file() else None
    return texts


def quote_failure(label, source_slug, quote, documents):
    """Why this quote fails the check, or None when it is found in its document."""
    if not source_slug:
        return f"{label}: no source"
    if not quote or not quote.strip():
        return f"{label}: empty quote"
    if source_slug not in documents:
        return f"{label}: source {source_slug!r} has no entry in {SEED_DOCUMENTS.name}"
    text = documents[source_slug]
    if text is None:
        return f"{label}: the document for source {source_slug!r} is missing"
    if normalise(quote) not in text:
        return f"{label}: quote not found in {source_slug!r}: {quote[:80]!r}"
    return None


def _records(fixtures_dir, name):
    path = Path(fixtures_dir) / f"{name}.json"
    if not path.is_file():
        return []
    return [obj["fields"] for obj in json.loads(path.read_text(encoding="utf-8"))]


def _key(value):
    """The slug a natural key names ([slug] in the fixtures), or None."""
    return value[0] if value else None


def fixture_quotes(fixtures_dir=FIXTURES):
    """(label, source slug, quote) for every passage in the seed fixtures that must be verbatim.

    Empty optional passages (a practice with no further passages) are not listed; required
    ones (a record's quote, a person's statement) are, so that an empty one fails.
    """
    events = {f["slug"]: f for f in _records(fixtures_dir, "events")}
    practices = {f["slug"]: f for f in _records(fixtures_dir, "practices")}
    people = {f["slug"]: f for f in _records(fixtures_dir, "people")}

    for slug, fields in events.items():
        yield f"event {slug}", _key(fields.get("source")), fields.get("source_quote", "")
    for slug, fields in practices.items():
        source = _key(fields.get("source"))
        yield f"practice {slug}", source, fields.get("source_quote", "")
        for number, line in enumerate(fields.get("further_passages", "").splitlines(), 1):
            if line.strip():
                yield f"practice {slug} further passage {number}", source, line
        for name in ("voiced_by_passage", "author_view_passage"):
            if fields.get(name, "").strip():
                yield f"practice {slug} {name}", source, fields[name]
    for name, owner, records in (
        ("practice_cities", "goodpractice", practices),
        ("practice_challenges", "goodpractice", practices),
        ("event_cities", "event", events),
        ("event_challenges", "event", events),
        ("event_people", "event", events),
    ):
        for link in _records(fixtures_dir, name):
            record = records.get(_key(link[owner]), {})
            other = next(_key(value) for key, value in link.items() if key != owner)
            label = f"{name} {_key(link[owner])} {other} {link.get('role', '')}".rstrip()
            if link.get("passage", "").strip():
                yield label, _key(record.get("source")), link["passage"]
    for slug, fields in people.items():
        if fields.get("passage", "").strip():
            yield f"person {slug}", _key(fields.get("source")), fields["passage"]
    for fields in _records(fixtures_dir, "statements"):
        label = f"statement {_key(fields['person'])} {fields.get('position')}"
        yield label, _key(fields.get("source")), fields.get("quote", "")


def missing_passages(fixtures_dir=FIXTURES):
    """A failure for every city link of a published (or archived) record that has no passage."""
    failures = []
    for name, owner, records in (
        ("practice_cities", "goodpractice", "practices"),
        ("event_cities", "event", "events"),
    ):
        status = {f["slug"]: f.get("status") for f in _records(fixtures_dir, records)}
        for link in _records(fixtures_dir, name):
            slug = _key(link[owner])
            if status.get(slug) in PUBLIC_STATUSES and not link.get("passage", "").strip():
                failures.append(
                    f"{name} {slug} {_key(link['city'])} {link['role']}: "
                    f"published without the passage that shows the city's role"
                )
    return failures


def find_failures(seeds_dir=DEFAULT_SEEDS_DIR, fixtures_dir=FIXTURES):
    documents = read_documents(seeds_dir)
    failures = [
        quote_failure(label, source, quote, documents)
        for label, source, quote in fixture_quotes(fixtures_dir)
    ]
    return [failure for failure in failures if failure] + missing_passages(fixtures_dir)


def main(argv):
    seeds_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEEDS_DIR
    if not seeds_dir.is_dir():
        print(f"No seed documents at {seeds_dir}", file=sys.stderr)
        return 2
    failures = find_failures(seeds_dir)
    checked = sum(1 for _ in fixture_quotes())
    if failures:
        print(f"{len(failures)} failures ({checked} quotes checked):", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(
        f"All {checked} quotes found word for word in {seeds_dir}; "
        "every published city link has its passage."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
