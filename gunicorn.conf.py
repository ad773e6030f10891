"""gunicorn settings for production; every value can be changed from the environment.

Run: gunicorn citylearn.wsgi (gunicorn reads ./gunicorn.conf.py by itself).
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers, one per core: pages are short database reads, so a worker rarely waits long.
workers = int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 1)
worker_class = "sync"
# A worker that takes longer than this on one request is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Behind a load balancer that reuses connections; a little longer than its idle timeout.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# No control socket in ~/.gunicorn: the app keeps no state on local disk.
control_socket_disable = True
# Access log to stdout when asked for; the load balancer usually keeps its own.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "") in {"1", "true"} else None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front sets X-Forwarded-Proto; trust it from any address the proxy may use.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    # Each worker builds the catalogue index now and rebuilds it soon after the catalogue moves,
    # so that no reader waits for it (cases/catalogue_index.py).
    from cases.catalogue_index import start_watching

    start_watching()
