"""`make bench`: what the pages an official uses cost, as ratios to the cheapest request.

For each tier (M, then L) it prepares a PostgreSQL database (bench/prepare.py: migrate, seed,
demo data, SQL query counts, page sizes), starts gunicorn with production settings on a free
loopback port, and measures with wrk in short windows that alternate each page with /healthz,
the floor, so that a noisy machine slows both alike. It prints one table per tier, how p50
grows from tier M to tier L, and a short soak at 64 connections; the same report is saved to
bench/results/latest.md.

Environment (all optional):
  DATABASE_URL       tier M database (default postgres://postgres@127.0.0.1:5432/citylearn_bench);
                     tier L uses the same name with "_l" appended
  BENCH_TIERS        "M L" (default); "M" alone skips the growth column
  BENCH_WINDOW       seconds per wrk window (default 2)
  BENCH_ROUNDS       page/floor alternations per page (default 3)
  BENCH_CONNECTIONS  wrk connections while measuring pages (default 4)
  BENCH_SOAK         seconds of the 64-connection soak at tier M (default 10; the issue's is 60)
  BENCH_SEED         demo data seed (default 1)
"""

# ruff: noqa: S603 (every command here is built from fixed paths and numbers, no user input)
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


def start_gunicorn(environment):
    port = free_port()
    command = [
        GUNICORN,
        "citylearn.wsgi",
        "--config",
        str(BASE_DIR / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--no-control-socket",
        "--max-requests",
        "0",
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


def wait_until_idle(base):
    """Let requests a window left behind finish, so they don't slow the next window."""
    deadline = time.monotonic() + 60
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/healthz", timeout=60):  # noqa: S310
            pass
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0


def measure_pages(base, urls, *, window, rounds, connections):
    """Each page's windows, each followed by a floor window: ratios come from neighbours."""
    results = {name: {"page": [], "floor": []} for name in urls if name != FLOOR}
    for round_number in range(1, rounds + 1):
        for name in results:
            url = urls[name]
            log(f"  round {round_number}/{rounds}: {name}")
            page = wrk(base + url, seconds=window, connections=connections)
            wait_until_idle(base)
            floor = wrk(base + urls[FLOOR], seconds=window, connections=connections)
            wait_until_idle(base)
            results[name]["page"].append(page)
            results[name]["floor"].append(floor)
    return results


def summarise(windows):
    pages, floors = windows["page"], windows["floor"]
    rps = statistics.mean(window["rps"] for window in pages)
    floor_rps = statistics.mean(window["rps"] for window in floors)
    p50s = [window["p50"] for window in pages if window["p50"] is not None]
    p99s = [window["p99"] for window in pages if window["p99"] is not None]
    return {
        "rps": rps,
        "floor_rps": floor_rps,
        "ratio": floor_rps / rps if rps else None,
        "p50": statistics.median(p50s) if p50s else None,
        "p99": statistics.median(p99s) if p99s else None,
        "errors": sum(window["errors"] for window in pages + floors),
        "floor_p50": statistics.median(window["p50"] for window in floors),
    }


def soak(base, urls, seconds):
    script = BASE_DIR / "bench" / "mix.lua"
    paths = list(urls.values())
    return wrk(base + "/", seconds=seconds, connections=64, script=script, arguments=paths)


def number(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def tier_table(tier, prepared, summaries):
    lines = [
        f"### Tier {tier}: {prepared['counts']['published']:,} published practices, "
        f"{prepared['counts']['cities']:,} cities, {prepared['counts']['events']:,} events",
        "",
        "| page | status | req/s | p50 ms | p99 ms | cost x floor | 1 request ms "
        "| SQL queries | HTML bytes | HTML gzip |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    floor_rps = statistics.mean(summary["floor_rps"] for summary in summaries.values())
    floor_p50 = statistics.median(summary["floor_p50"] for summary in summaries.values())
    floor = prepared["pages"][FLOOR]
    lines.append(
        f"| {FLOOR} | {floor['status']} | {number(floor_rps, 0)} | {number(floor_p50, 2)} | - "
        f"| 1.0 | {number(floor['milliseconds'])} | {floor['queries']} | {floor['bytes']:,} "
        f"| {floor['gzip_bytes']:,} |"
    )
    for name, page in prepared["pages"].items():
        if name == FLOOR:
            continue
        if name not in summaries:
            lines.append(f"| {name} | {page['status']} | missing: not measured | | | | | | | |")
            continue
        summary = summaries[name]
        lines.append(
            f"| {name} | {page['status']} | {number(summary['rps'], 0)} "
            f"| {number(summary['p50'], 2)} | {number(summary['p99'], 2)} "
            f"| {number(summary['ratio'])} | {number(page['milliseconds'])} "
            f"| {page['queries']} | {page['bytes']:,} "
            f"| {page['gzip_bytes']:,} |"
        )
    css = prepared["css"]
    words = prepared["words"]
    lines += [
        "",
        f"CSS: {css['bytes']:,} bytes, {css['gzip_bytes']:,} gzipped. "
        f"Common word {words['common'][0]!r} is in {words['common'][1]:,} published practices, "
        f"rare word {words['rare'][0]!r} in {words['rare'][1]:,}. "
        f"Errors during measurement: {sum(s['errors'] for s in summaries.values())}.",
        "",
        f"EXPLAIN of the search for {words['rare'][0]!r} (the catalogue's filter):",
        "",
        "```",
        prepared.get("explain_rare", "(not measured)"),
        "```",
        "",
    ]
    return lines


def growth_table(results):
    lines = ["### p50 growth from tier M to tier L", "", "| page | M p50 ms | L p50 ms | L ÷ M |"]
    lines.append("|---|--:|--:|--:|")
    for name, summary in results["M"]["summaries"].items():
        large = results["L"]["summaries"].get(name, {"p50": None})
        growth = large["p50"] / summary["p50"] if summary["p50"] and large["p50"] else None
        lines.append(
            f"| {name} | {number(summary['p50'], 2)} | {number(large['p50'], 2)} "
            f"| {number(growth, 2)} |"
        )
    return [*lines, ""]


def ensure_static(environment):
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=environment,
        check=True,
        cwd=BASE_DIR,
    )


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does this).")
    tiers = setting("BENCH_TIERS", "M L").split()
    window, rounds = setting("BENCH_WINDOW", 2), setting("BENCH_ROUNDS", 3)
    connections, soak_seconds = setting("BENCH_CONNECTIONS", 4), setting("BENCH_SOAK", 10)
    seed = setting("BENCH_SEED", 1)
    started = time.monotonic()
    results, report = {}, []
    for tier in tiers:
        database_url = database_for(tier)
        log(f"tier {tier}: {urlsplit(database_url).path.lstrip('/')}")
        create_database(database_url)
        environment = production_environment(database_url)
        ensure_static(environment)
        prepared = prepare(tier, seed, environment)
        server, base = start_gunicorn(environment)
        try:
            # A page that does not answer 200 (not built yet) is reported, not measured.
            working = {
                name: url
                for name, url in prepared["urls"].items()
                if prepared["pages"][name]["status"] == 200
            }
            windows = measure_pages(
                base, working, window=window, rounds=rounds, connections=connections
            )
            summaries = {name: summarise(pair) for name, pair in windows.items()}
            soaked = soak(base, working, soak_seconds) if tier == tiers[0] else None
        finally:
            server.terminate()
            server.wait(timeout=30)
        results[tier] = {"prepared": prepared, "summaries": summaries, "soak": soaked}
        report += tier_table(tier, prepared, summaries)
        if prepared["generation_seconds"] is not None:
            report.append(f"Generated tier {tier} in {prepared['generation_seconds']} s.\n")
        if soaked:
            report.append(
                f"Soak, tier {tier}: 64 connections for {soak_seconds} s over every page: "
                f"{soaked['requests']:,} requests, {number(soaked['rps'], 0)} req/s, "
                f"p99 {number(soaked['p99'], 0)} ms, **{soaked['errors']} errors**.\n"
            )
    if {"M", "L"} <= results.keys():
        report += growth_table(results)
    header = [
        f"## Benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`make bench` (BENCH_WINDOW={window} s, BENCH_ROUNDS={rounds}, "
        f"BENCH_CONNECTIONS={connections}, BENCH_SOAK={soak_seconds} s): gunicorn with "
        f"{WORKERS} sync workers (one per core) and wrk on the same {WORKERS}-core machine, "
        "PostgreSQL on loopback. Cost x floor = floor req/s ÷ page req/s, each page measured "
        "in windows alternating with /healthz ('-': no request finished within a window). "
        "1 request ms, SQL queries and sizes come from one request through Django's test "
        "client with an empty cache.",
        "",
    ]
    text = "\n".join(header + report) + f"\nTotal run: {time.monotonic() - started:.0f} s.\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1))
    print(text)


if __name__ == "__main__":
    main()
