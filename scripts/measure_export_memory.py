#!/usr/bin/env python3
"""Peak memory while an export streams: the figure behind "constant memory" in the README.

Run it against a database holding demo data (generate_demo_data --tier M or L), with DEBUG off
(with DEBUG on Django keeps every query in memory):

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/citylearn_bench DJANGO_DEBUG=false \\
  DJANGO_SECRET_KEY=measure-only python scripts/measure_export_memory.py [ADDRESS ...]

For each address (default: the CSV and JSON exports of the whole catalogue) it prints the rows,
the bytes sent, the time and the peak of Python's allocations while the body streams
(tracemalloc), and how much the process's resident set grew.
"""

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citylearn.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

DEFAULT_ADDRESSES = ["/exports/practices.csv", "/exports/practices.json"]


def measure(address):
    response = Client().get(address)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    print(
        f"{address}: {lines:,} lines, {size / 1e6:,.1f} MB in {elapsed:,.1f} s; "
        f"peak Python allocations while streaming {peak / 2**20:,.1f} MiB; "
        f"resident set grew {rss_growth / 1024:,.1f} MiB"
    )


if __name__ == "__main__":
    for address in sys.argv[1:] or DEFAULT_ADDRESSES:
        measure(address)
