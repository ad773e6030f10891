"""`make soak-redis`: the catalogue at 64 connections while Redis is stopped and started again.

It starts a private redis-server on port 6390 (never the machine's own on 6379), prepares a
PostgreSQL database (migrate, seed; demo data with SOAK_TIER), starts gunicorn with production
settings and REDIS_URL pointing at that Redis, and runs wrk at 64 connections over the catalogue
pages. A third into the run Redis is shut down; two thirds in it is started again (empty, as a
restarted cache is). It prints the responses by status, the 5xx count (expected: 0), the
throughput before, during and after the outage, what /healthz said during it, and how many
"cache unavailable" warnings gunicorn's workers logged. It exits 1 if any response was a 5xx or
a connection failed. Requests still queued when wrk stops waiting (its timeout, 30 s) are
counted apart: with Redis down every page is built again, and 64 connections queue behind one
sync worker per core.

Environment (all optional):
  DATABASE_URL        default postgres://postgres@127.0.0.1:5432/citylearn_soak
  SOAK_SECONDS        length of the run (default 30)
  SOAK_CONNECTIONS    wrk connections (default 64)
  SOAK_REDIS_PORT     the private Redis (default 6390)
  SOAK_TIER           demo data to add once to the seed catalogue: S, M or L (default: none)
"""

# ruff: noqa: S603, S607 (every command here is built from fixed names and numbers)
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter

from run import (
    BASE_DIR,
    GUNICORN,
    HEADERS,
    PYTHON,
    WORKERS,
    create_database,
    free_port,
    log,
    production_environment,
    setting,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/citylearn_soak"
PAGES = [
    "/",
    "/practices/",
    "/practices/?challenge=limited-funds",
    "/practices/?q=data",
    "/practices/?page=3",
    "/practices/berlin-gemeinsam-digital-smart-city-strategy/",
    "/cities/",
    "/cities/nairobi/",
    "/challenges/",
    "/challenges/limited-funds/",
    "/events/",
    "/peers/?challenge=limited-funds",
]


def redis(port, *arguments):
    return subprocess.run(
        ["redis-cli", "-p", str(port), *arguments], capture_output=True, text=True, check=False
    )


def redis_start(port):
    options = ["--port", str(port), "--save", "", "--appendonly", "no", "--daemonize", "yes"]
    subprocess.run(
        ["redis-server", *options],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if redis(port, "ping").stdout.strip() == "PONG":
            return
        time.sleep(0.05)
    raise SystemExit(f"redis-server did not start on port {port}")


def redis_stop(port):
    redis(port, "shutdown", "nosave")


def manage(environment, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], env=environment, cwd=BASE_DIR, check=True)


def prepare(environment, tier):
    log("preparing the database")
    manage(environment, "migrate", "--no-input", "-v0")
    manage(environment, "seed")
    manage(environment, "collectstatic", "--no-input", "-v0")
    if not tier:
        return
    probe = [
        PYTHON,
        "-c",
        "import django; django.setup(); from cases.models import GoodPractice; "
        "print(GoodPractice.objects.filter(slug__startswith='demo-').exists())",
    ]
    has_demo = subprocess.run(
        probe,
        env={**environment, "DJANGO_SETTINGS_MODULE": "citylearn.settings"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    if has_demo.stdout.strip() != "True":
        manage(environment, "generate_demo_data", "--tier", tier)


def healthz(base):
    try:
        # Under the soak, this request waits in gunicorn's queue like any other.
        with urllib.request.urlopen(f"{base}/healthz", timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode().strip().replace("\n", " / ")
    except OSError as error:
        return None, str(error)


def start_gunicorn(environment, log_file):
    port = free_port()
    command = [GUNICORN, "citylearn.wsgi", "--config", str(BASE_DIR / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--no-control-socket"]
    server = subprocess.Popen(command, env=environment, cwd=BASE_DIR, stderr=log_file)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        if healthz(base)[0] == 200:
            return server, base
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 10 s")


def soak(base, *, seconds, connections, redis_port):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", *HEADERS]
    command += ["-s", str(BASE_DIR / "bench" / "soak_status.lua"), base + "/", "--", *PAGES]
    started = time.monotonic()
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    time.sleep(seconds / 3)
    stopped_at = time.time()
    redis_stop(redis_port)
    log(f"  {time.monotonic() - started:.0f} s: Redis stopped")
    # In a thread: under the soak it waits in gunicorn's queue and must not delay the restart.
    during = {}
    probe = threading.Thread(target=lambda: during.update(answer=healthz(base)))
    probe.start()
    time.sleep(max(0.0, started + 2 * seconds / 3 - time.monotonic()))
    restarted_at = time.time()
    redis_start(redis_port)
    log(f"  {time.monotonic() - started:.0f} s: Redis started again")
    output = wrk.communicate()[0]
    probe.join()
    if wrk.returncode != 0:
        raise SystemExit(f"wrk failed:\n{output}")
    return output, stopped_at, restarted_at, during["answer"]


def read(output, stopped_at, restarted_at):
    statuses = Counter(
        {int(code): int(count) for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.M)}
    )
    phases = Counter()
    seconds_in = Counter()
    for second, count in re.findall(r"^second (\d+) (\d+)$", output, re.M):
        second = int(second)
        # Whole seconds only: the second in which Redis stopped or started counts for neither.
        if second < int(stopped_at):
            phase = "before"
        elif int(stopped_at) < second < int(restarted_at):
            phase = "during"
        elif second > int(restarted_at):
            phase = "after"
        else:
            continue
        phases[phase] += int(count)
        seconds_in[phase] += 1
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    counts = [int(count) for count in socket_errors.groups()] if socket_errors else [0] * 4
    connect, read_errors, write, timeout = counts
    return {
        "statuses": statuses,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p99": float(re.search(r"^p99 ([\d.]+)$", output, re.M).group(1)),
        "failed_connections": connect + read_errors + write,
        "timeouts": timeout,
        "throughput": {
            phase: phases[phase] / seconds_in[phase] for phase in phases if seconds_in[phase]
        },
    }


def main():
    for tool in ("wrk", "redis-server", "redis-cli"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install -y wrk redis-server).")
    seconds = setting("SOAK_SECONDS", 30)
    connections = setting("SOAK_CONNECTIONS", 64)
    redis_port = setting("SOAK_REDIS_PORT", 6390)
    if redis_port == 6379:
        raise SystemExit("The soak stops its Redis: give it its own port, never 6379.")
    if redis(redis_port, "ping").stdout.strip() == "PONG":
        raise SystemExit(f"Something already answers on port {redis_port}; pick another one.")
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    create_database(database_url)
    prepare(production_environment(database_url), os.environ.get("SOAK_TIER", ""))
    environment = {
        **production_environment(database_url),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        # Warnings on, to count the cache outage warnings the workers log.
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    redis_start(redis_port)
    server = None
    with tempfile.TemporaryFile("w+") as gunicorn_log:
        try:
            server, base = start_gunicorn(environment, gunicorn_log)
            log(f"soaking {len(PAGES)} pages at {connections} connections for {seconds} s")
            output, stopped_at, restarted_at, during = soak(
                base, seconds=seconds, connections=connections, redis_port=redis_port
            )
            after = healthz(base)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            redis_stop(redis_port)
        gunicorn_log.seek(0)
        logged = gunicorn_log.read()
    result = read(output, stopped_at, restarted_at)
    errors_5xx = sum(count for code, count in result["statuses"].items() if code >= 500)
    statuses = ", ".join(f"{code}: {count:,}" for code, count in sorted(result["statuses"].items()))
    throughput = ", ".join(f"{phase} {rate:,.0f}" for phase, rate in result["throughput"].items())
    print(
        f"Redis outage soak: {connections} connections for {seconds} s over {len(PAGES)} pages, "
        f"gunicorn with {WORKERS} sync workers; Redis stopped for "
        f"{restarted_at - stopped_at:.0f} s in the middle of the run.\n"
        f"  requests: {result['requests']:,} ({result['rps']:,.0f} req/s), "
        f"p99 {result['p99']:.0f} ms\n"
        f"  responses by status: {statuses}\n"
        f"  5xx responses: {errors_5xx}; failed connections: {result['failed_connections']}; "
        f"still queued when wrk stopped waiting (30 s): {result['timeouts']}\n"
        f"  requests per second: {throughput}\n"
        f"  /healthz during the outage: {during[0]} {during[1]!r}; after: {after[0]} {after[1]!r}\n"
        f"  cache outage warnings logged: {logged.count('Cache unavailable')}; "
        f"500 errors logged: {logged.count('Internal Server Error')}\n"
        f"  load average of the machine at the end: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    return 1 if errors_5xx or result["failed_connections"] else 0


if __name__ == "__main__":
    sys.exit(main())
