#!/usr/bin/env python3
"""Check that every seeded event and practice quotes its source document word for word.

Usage: python scripts/check_seed_quotes.py [SEEDS_DIR]

SEEDS_DIR defaults to ../shared/seeds next to the repository. Which document each source
comes from is recorded once, in fixtures/seed_documents.json (source slug -> file name).
Only runs of whitespace are normalised (to one space) before comparing; everything else,
curly apostrophes included, must match exactly. Exits 1 and lists the failures if any quote
is missing or not found.
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SEED_DOCUMENTS = FIXTURES / "seed_documents.json"
DEFAULT_SEEDS_DIR = REPO.parent / "shared" / "seeds"
QUOTED_FIXTURES = ["events", "practices"]

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
        return f"{label}: empty source_quote"
    if source_slug not in documents:
        return f"{label}: source {source_slug!r} has no entry in {SEED_DOCUMENTS.name}"
    text = documents[source_slug]
    if text is None:
        return f"{label}: the document for source {source_slug!r} is missing"
    if normalise(quote) not in text:
        return f"{label}: quote not found in {source_slug!r}: {quote[:80]!r}"
    return None


def fixture_quotes(fixtures_dir=FIXTURES):
    """(label, source slug, quote) for every record in the quoted fixtures."""
    for name in QUOTED_FIXTURES:
        for obj in json.loads((Path(fixtures_dir) / f"{name}.json").read_text(encoding="utf-8")):
            fields = obj["fields"]
            source = fields.get("source")
            yield (
                f"{obj['model']} {fields.get('slug')}",
                source[0] if source else None,
                fields.get("source_quote", ""),
            )


def find_failures(seeds_dir=DEFAULT_SEEDS_DIR, fixtures_dir=FIXTURES):
    documents = read_documents(seeds_dir)
    failures = [
        quote_failure(label, source, quote, documents)
        for label, source, quote in fixture_quotes(fixtures_dir)
    ]
    return [failure for failure in failures if failure]


def main(argv):
    seeds_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEEDS_DIR
    if not seeds_dir.is_dir():
        print(f"No seed documents at {seeds_dir}", file=sys.stderr)
        return 2
    failures = find_failures(seeds_dir)
    checked = sum(1 for _ in fixture_quotes())
    if failures:
        print(f"{len(failures)} of {checked} quotes failed:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(f"All {checked} quotes found word for word in {seeds_dir}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
