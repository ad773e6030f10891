"""`make bench`: what each page costs the first reader (uncached) and the next ones (cached).

For each tier (M, then L) it prepares a PostgreSQL database (bench/prepare.py: migrate, seed,
demo data, SQL query counts, page sizes) and starts gunicorn with production settings and one
worker on a free loopback port. It then asks for every page in turn, one request at a time, in
rounds: /healthz (the floor), the page with the cache emptied just before (the worker empties
it on the header X-Bench-Empty-Cache, see bench/uncached_wsgi.py) and the page again, now
cached. It reports the p50 of each, the targets of issue 13 (uncached p50 within 30 ms at tier
M and 60 ms at tier L, cached within 2x the floor, at most 2x growth from M to L) met or
missed, one table per tier, the M and L columns side by side, and a short soak at 64
connections (wrk, one worker per core) at the first tier. The report is saved to
bench/results/latest.md.

Environment (all optional):
  DATABASE_URL       tier M database (default postgres://postgres@127.0.0.1:5432/citylearn_bench);
                     tier L uses the same name with "_l" appended
  BENCH_TIERS        "M L" (default); "M" alone leaves the L columns empty
  BENCH_SAMPLES      rounds per page: requests uncached, cached and to the floor (default 5)
  BENCH_SOAK         seconds of the 64-connection soak at the first tier (default 10; 0: none)
  BENCH_SEED         demo data seed (default 1)
"""

# ruff: noqa: S603 (every command here is built from fixed paths and numbers, no user input)
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/citylearn_bench"
FLOOR = "floor (/healthz)"
WORKERS = os.cpu_count() or 1
# Behind the production proxy every request arrives as HTTPS; say so, so no page redirects.
HEADERS = ["-H", "X-Forwarded-Proto: https"]


def setting(name, default):
    return type(default)(os.environ.get(name) or default)


def log(message):
    print(message, file=sys.stderr, flush=True)


def database_for(tier):
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    if tier == "M":
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{tier.lower()}"))


def create_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            log(f"  creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def production_environment(database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # A loopback benchmark speaks plain HTTP: no redirect to HTTPS, no HSTS.
        "DJANGO_SECURE": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
        "GUNICORN_LOG_LEVEL": "warning",
        # wrk is one address: the API's per-address limit would answer 429 after 120 requests.
        "API_RATE_LIMIT": "1000000/minute",
    }


def prepare(tier, seed, environment):
    command = [PYTHON, str(BASE_DIR / "bench" / "prepare.py"), tier, str(seed)]
    output = subprocess.run(
        command, env=environment, check=True, stdout=subprocess.PIPE, text=True, cwd=BASE_DIR
    )
    # The JSON report is the last line; anything before it is chatter.
    return json.loads(output.stdout.strip().splitlines()[-1])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(environment, *, workers=WORKERS, application="citylearn.wsgi"):
    port = free_port()
    command = [
        GUNICORN,
        application,
        "--config",
        str(BASE_DIR / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",
        "--max-requests",
        "0",
        # bench/uncached_wsgi.py is found there; a slow uncached page must not be killed.
        "--pythonpath",
        str(BASE_DIR / "bench"),
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(command, env=environment, cwd=BASE_DIR)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 10 s")


def stop(server):
    server.terminate()
    server.wait(timeout=30)


# --- One request at a time: what a page costs a reader, uncached and cached ------------------

EMPTY_CACHE = "X-Bench-Empty-Cache"
# Issue 13's targets.
# Tier S, to try the benchmark itself quickly, is held to tier M's target.
UNCACHED_TARGET_MS = {"S": 30, "M": 30, "L": 60}
CACHED_TARGET_X_FLOOR = 2
GROWTH_TARGET = 2


def request_ms(base, path, *, empty_cache=False, settle=False):
    """One GET on a new connection (gunicorn's sync workers close each one); its status and
    how long it took from connecting to the last byte, in milliseconds. With `settle`, the
    worker first waits for its catalogue index and frequent words (bench/uncached_wsgi.py)."""
    address = urlsplit(base)
    headers = {"X-Forwarded-Proto": "https"}
    if empty_cache:
        headers[EMPTY_CACHE] = "1"
    if settle:
        headers["X-Bench-Settle"] = "1"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, (time.perf_counter() - started) * 1000


def sample_pages(base, urls, samples):
    """Per page, `samples` rounds of: the floor, the page uncached, the page cached."""
    floor = urls[FLOOR]
    times = {name: {"floor": [], "uncached": [], "cached": []} for name in urls if name != FLOOR}
    statuses = {}
    # As a few seconds after a publish: the worker's watcher has rebuilt what it keeps.
    request_ms(base, floor, settle=True)
    for name in times:
        # The worker's first request of a page compiles its templates: not a reader's cost.
        request_ms(base, urls[name], empty_cache=True)
    for round_number in range(1, samples + 1):
        log(f"  round {round_number}/{samples}")
        for name, sampled in times.items():
            sampled["floor"].append(request_ms(base, floor)[1])
            status, uncached = request_ms(base, urls[name], empty_cache=True)
            sampled["uncached"].append(uncached)
            sampled["cached"].append(request_ms(base, urls[name])[1])
            statuses.setdefault(name, set()).add(status)
    return times, statuses


def summarise(times):
    return {kind: statistics.median(values) for kind, values in times.items()}


def floor_p50(summaries):
    return statistics.median(summary["floor"] for summary in summaries.values())


# --- The soak: 64 connections, one worker per core -------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, *, seconds, connections, script=None, arguments=()):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    command += HEADERS
    if script:
        command += ["-s", str(script)]
    command += [url, *(["--", *arguments] if arguments else [])]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    # A window in which no request finished has no latency to report.
    has_latency = requests > 0 and "50" in percentiles
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": requests,
        "p50": milliseconds(percentiles["50"]) if has_latency else None,
        "p99": milliseconds(percentiles["99"]) if has_latency else None,
        "errors": (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(bad_status.group(1)) if bad_status else 0),
    }


def soak(environment, urls, seconds):
    """Every page at 64 connections on a warm cache, as a busy site has it."""
    server, base = start_gunicorn(environment)
    try:
        # Each worker has its own cache: a first request per page and worker, or the soak would
        # measure dozens of connections queueing behind the first build of every page.
        for path in list(urls.values()) * WORKERS:
            request_ms(base, path)
        script = BASE_DIR / "bench" / "mix.lua"
        paths = list(urls.values())
        return wrk(base + "/", seconds=seconds, connections=64, script=script, arguments=paths)
    finally:
        stop(server)


# --- The report ------------------------------------------------------------------------------


def number(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def uncached_verdict(tier, p50):
    target = UNCACHED_TARGET_MS[tier]
    if p50 <= target:
        return "met"
    return f"missed: {p50 / target:,.1f}x"


def tier_table(tier, prepared, result):
    summaries, floor = result["summaries"], floor_p50(result["summaries"])
    counts = prepared["counts"]
    target = UNCACHED_TARGET_MS[tier]
    lines = [
        f"### Tier {tier}: {counts['published']:,} published practices, "
        f"{counts['cities']:,} cities, {counts['events']:,} events",
        "",
        f"| page | status | uncached p50 ms | ≤ {target} ms | cached p50 ms | cached x floor "
        "| SQL queries (uncached) | HTML bytes | HTML gzip |",
        "|---|---|--:|---|--:|--:|--:|--:|--:|",
    ]
    page = prepared["pages"][FLOOR]
    lines.append(
        f"| {FLOOR} | {page['status']} | {number(floor, 2)} | | {number(floor, 2)} | 1.0 "
        f"| {page['queries']} | {page['bytes']:,} | {page['gzip_bytes']:,} |"
    )
    for name, page in prepared["pages"].items():
        if name == FLOOR:
            continue
        summary = summaries.get(name)
        if summary is None:
            lines.append(f"| {name} | {page['status']} | not measured | | | | | | |")
            continue
        ratio = summary["cached"] / floor
        cached_mark = "" if ratio <= CACHED_TARGET_X_FLOOR else " (over 2x)"
        lines.append(
            f"| {name} | {page['status']} | {number(summary['uncached'])} "
            f"| {uncached_verdict(tier, summary['uncached'])} | {number(summary['cached'], 2)} "
            f"| {number(ratio)}{cached_mark} | {page['queries']} | {page['bytes']:,} "
            f"| {page['gzip_bytes']:,} |"
        )
    css, words = prepared["css"], prepared["words"]
    lines += [
        "",
        f"CSS: {css['bytes']:,} bytes, {css['gzip_bytes']:,} gzipped. "
        f"Common word {words['common'][0]!r} is in {words['common'][1]:,} published practices, "
        f"rare word {words['rare'][0]!r} in {words['rare'][1]:,}.",
        "",
        f"EXPLAIN of the search for {words['rare'][0]!r} (the catalogue's filter):",
        "",
        "```",
        prepared.get("explain_rare", "(not measured)"),
        "```",
        "",
    ]
    return lines


def side_by_side_table(results):
    """Every page's p50 at each tier, uncached and cached, and how much uncached grows M to L."""
    tiers = list(results)
    grows = {"M", "L"} <= results.keys()
    first = results[tiers[0]]["summaries"]
    columns = [f"uncached {tier} (≤ {UNCACHED_TARGET_MS[tier]})" for tier in tiers]
    columns += [f"L ÷ M (≤ {GROWTH_TARGET})"] if grows else []
    columns += [f"cached {tier}" for tier in tiers]
    lines = [
        f"### Uncached and cached, tier {' and '.join(tiers)} (p50, ms)",
        "",
        "| page | " + " | ".join(columns) + " |",
        "|---|" + "--:|" * len(columns),
    ]
    floors = [number(floor_p50(results[tier]["summaries"]), 2) for tier in tiers]
    growth = [""] if grows else []
    lines.append(f"| {FLOOR} | " + " | ".join(floors + growth + floors) + " |")
    for name in first:
        summaries = [results[tier]["summaries"].get(name) for tier in tiers]
        uncached = [number(s["uncached"]) if s else "not measured" for s in summaries]
        cached = [number(s["cached"], 2) if s else "not measured" for s in summaries]
        if grows:
            medium, large = results["M"]["summaries"], results["L"]["summaries"]
            both = name in large and name in medium
            ratio = large[name]["uncached"] / medium[name]["uncached"] if both else None
            growth = [number(ratio, 2)]
        lines.append(f"| {name} | " + " | ".join(uncached + growth + cached) + " |")
    return [*lines, ""]


def verdicts(results):
    """The targets, met or missed, in a few lines."""
    lines = ["### Targets", ""]
    for tier, result in results.items():
        summaries, floor = result["summaries"], floor_p50(result["summaries"])
        target = UNCACHED_TARGET_MS[tier]
        slow = {name: s["uncached"] for name, s in summaries.items() if s["uncached"] > target}
        heavy = [name for name, s in summaries.items() if s["cached"] > 2 * floor]
        lines.append(
            f"- Tier {tier}, uncached p50 ≤ {target} ms: {len(summaries) - len(slow)} of "
            f"{len(summaries)} pages"
            + (
                "; missed by "
                + ", ".join(f"{name} ({p50 / target:,.1f}x)" for name, p50 in slow.items())
                if slow
                else ""
            )
            + "."
        )
        failed = [
            f"{name} ({page['status']})"
            for name, page in result["prepared"]["pages"].items()
            if name != FLOOR and name not in summaries
        ]
        if failed:
            lines.append(f"- Tier {tier}, **not measured** (no 200): {', '.join(failed)}.")
        lines.append(
            f"- Tier {tier}, cached p50 ≤ 2x the floor ({number(floor, 2)} ms): "
            f"{len(summaries) - len(heavy)} of {len(summaries)} pages"
            + (f"; over: {', '.join(heavy)}" if heavy else "")
            + "."
        )
    if {"M", "L"} <= results.keys():
        grown = [
            name
            for name, summary in results["M"]["summaries"].items()
            if name in results["L"]["summaries"]
            and results["L"]["summaries"][name]["uncached"] > GROWTH_TARGET * summary["uncached"]
        ]
        lines.append(
            f"- Uncached growth from M to L ≤ {GROWTH_TARGET}x: "
            f"{len(results['M']['summaries']) - len(grown)} of {len(results['M']['summaries'])} "
            "pages" + (f"; over: {', '.join(grown)}" if grown else "") + "."
        )
    return [*lines, ""]


def ensure_static(environment):
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=environment,
        check=True,
        cwd=BASE_DIR,
    )


def measure_tier(tier, seed, samples):
    database_url = database_for(tier)
    log(f"tier {tier}: {urlsplit(database_url).path.lstrip('/')}")
    create_database(database_url)
    environment = production_environment(database_url)
    ensure_static(environment)
    prepared = prepare(tier, seed, environment)
    # A page that does not answer 200 (not built yet) is reported, not measured.
    working = {
        name: url
        for name, url in prepared["urls"].items()
        if prepared["pages"][name]["status"] == 200
    }
    server, base = start_gunicorn(environment, workers=1, application="uncached_wsgi:application")
    try:
        times, statuses = sample_pages(base, working, samples)
    finally:
        stop(server)
    for name, codes in statuses.items():
        if codes != {200}:
            # A page that failed while timed (an error answers fast) is reported, not measured.
            log(f"  {name} answered {sorted(codes)} while timed: not measured")
            del times[name]
            prepared["pages"][name]["status"] = "/".join(map(str, sorted(codes)))
    summaries = {name: summarise(sampled) for name, sampled in times.items()}
    return (
        environment,
        working,
        {
            "prepared": prepared,
            "times": times,
            "statuses": {name: sorted(codes) for name, codes in statuses.items()},
            "summaries": summaries,
        },
    )


def main():
    tiers = setting("BENCH_TIERS", "M L").split()
    samples, soak_seconds = setting("BENCH_SAMPLES", 5), setting("BENCH_SOAK", 10)
    seed = setting("BENCH_SEED", 1)
    if soak_seconds and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does this).")
    started = time.monotonic()
    results, report = {}, []
    for tier in tiers:
        environment, working, result = measure_tier(tier, seed, samples)
        results[tier] = result
        report += tier_table(tier, result["prepared"], result)
        if result["prepared"]["generation_seconds"] is not None:
            report.append(
                f"Generated tier {tier} in {result['prepared']['generation_seconds']} s.\n"
            )
        if soak_seconds and tier == tiers[0]:
            soaked = soak(environment, working, soak_seconds)
            result["soak"] = soaked
            report.append(
                f"Soak, tier {tier}: 64 connections for {soak_seconds} s over every page, "
                f"{WORKERS} workers: {soaked['requests']:,} requests, "
                f"{number(soaked['rps'], 0)} req/s, p99 {number(soaked['p99'], 0)} ms, "
                f"**{soaked['errors']} errors**.\n"
            )
    header = [
        f"## Benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`make bench` (BENCH_SAMPLES={samples}, BENCH_SOAK={soak_seconds} s): gunicorn with "
        f"production settings and one sync worker, PostgreSQL on loopback, the client on the "
        f"same {WORKERS}-core machine, one request at a time. Per page and round: /healthz (the "
        "floor), the page with the cache emptied just before it (uncached: what the first "
        "reader after a publish, or of a rare question, waits), the page again (cached). p50 of "
        f"{samples} rounds, from connecting to the last byte. SQL queries and sizes come from "
        "one request through Django's test client with an empty cache.",
        "",
    ]
    summary = side_by_side_table(results) + verdicts(results)
    text = "\n".join(header + summary + report) + (
        f"\nTotal run: {time.monotonic() - started:.0f} s.\n"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1))
    print(text)


if __name__ == "__main__":
    main()
