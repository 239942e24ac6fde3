"""gunicorn settings for the Procfile's web process, read from the environment.

BIND_ADDRESS and PORT say where to listen (127.0.0.1:8000: behind a reverse proxy on the same
machine; 0.0.0.0 when the proxy is elsewhere), WEB_CONCURRENCY how many worker processes,
GUNICORN_TIMEOUT how long a request may take before its worker is restarted. Anything else
gunicorn knows can be passed in GUNICORN_CMD_ARGS.
"""

import os


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw) > 0):
        raise SystemExit(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


_address = os.environ.get("BIND_ADDRESS") or "127.0.0.1"
_port = _whole_number("PORT", 8000)
bind = [f"[{_address}]:{_port}" if ":" in _address else f"{_address}:{_port}"]
workers = _whole_number("WEB_CONCURRENCY", 2)
# Synchronous exports of up to EXPORT_SYNC_MAX_ROWS rows are the slowest requests.
timeout = _whole_number("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Recycle workers now and then so that a slow leak cannot grow for weeks.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# The default line plus the time taken (%(M)s, milliseconds): the slow pages show in the log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
# Heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
