"""Words a question is made of but a practice is not found by: left out of every search.

English function words (the Snowball list PostgreSQL's `english` configuration also drops, so
both databases read a question alike) and the words officials wrap a question in ("how do we
get …", "what can our city do about …"). Kept as data in stop_words.txt: add a word there,
not in the code.
"""

from pathlib import Path

_LINES = Path(__file__).with_name("stop_words.txt").read_text(encoding="utf-8").splitlines()
STOP_WORDS = frozenset(word for line in _LINES if not line.startswith("#") for word in line.split())
