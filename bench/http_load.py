"""Pages under concurrent load: gunicorn with 2 sync workers and DEBUG off, wrk with 10
connections for a fixed time per URL, signed in as the leader with the widest jurisdiction.

    python -m bench.http_load [seconds]

p50/p95 come from wrk's own latency histogram (report.lua). The dashboard and figures.json are
compared with /healthz served the same way, so the ratio holds on a noisy machine.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, emit, forget_session, setup, signed_in_client, widest

HERE = Path(__file__).resolve().parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CONNECTIONS = 10
WORKERS = 2
PATHS = [("healthz", "/healthz"), ("dashboard", "/dashboard/"), ("figures_json", "/reports/figures.json")]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and `apt-get install -y wrk` failed")
    return found


def start_gunicorn(**env: str) -> subprocess.Popen:
    log = open("/tmp/xuncha-bench-gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        # The Procfile's web process: the production gunicorn.conf.py, two workers. Worker
        # recycling is off so that a restart (a second of imports) does not land in one URL's
        # run and not another's.
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py", "xuncha.wsgi"],
        cwd=ROOT,
        env={
            **os.environ,
            "PORT": str(PORT),
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_TIMEOUT": "120",
            "GUNICORN_CMD_ARGS": "--max-requests 0 --access-logfile /dev/null",
            **env,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    stop(proc)
    raise SystemExit("gunicorn did not answer /healthz within 60 s; see /tmp/xuncha-bench-gunicorn.log")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def check(path: str, cookie: str) -> int:
    """A signed-in GET must be a 200 page, not a redirect to the login page."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": f"sessionid={cookie}"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(binary: str, path: str, cookie: str, seconds: int) -> dict:
    out = subprocess.run(
        [
            binary,
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(HERE / "report.lua"),
            "-H",
            f"Cookie: sessionid={cookie}",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK-JSON "))
    data = json.loads(line[len("WRK-JSON ") :])
    return {
        "requests": data["requests"],
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "errors": data["socket_errors"] + data["non_2xx_3xx"],
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
    }


def run_paths(binary: str, cookie: str, seconds: int, paths, **env: str) -> dict:
    from reports.figures_cache import figures_changed

    out = {}
    proc = start_gunicorn(**env)
    try:
        for name, path in paths:
            figures_changed()  # the first request below is a cache miss, as after an edit
            started = time.perf_counter()
            status = check(path, cookie)
            cold = round((time.perf_counter() - started) * 1000, 1)
            if status != 200:
                out[name] = {"error": f"GET {path} answered {status}"}
                continue
            check(path, cookie)  # the other worker
            out[name] = {"path": path, "first_ms": cold, **wrk(binary, path, cookie, seconds)}
    finally:
        stop(proc)
    return out


def main(seconds: int) -> dict:
    setup()
    binary = ensure_wrk()
    leader = widest("leader")
    # The session is made in Django (see common.session_cookie) rather than by a login POST:
    # the province database has no known passwords, and a login writes last_login.
    cookie = signed_in_client(leader).cookies["sessionid"].value
    result = {"user": leader.username, "connections": CONNECTIONS, "workers": WORKERS, "seconds": seconds}
    try:
        result.update(run_paths(binary, cookie, seconds, PATHS))
        # The same pages with the figures cache off: what reports.figures_cache buys.
        uncached = run_paths(binary, cookie, seconds, PATHS[1:], FIGURES_CACHE_SECONDS="0")
        result.update({f"{name}_uncached": value for name, value in uncached.items()})
    finally:
        forget_session(cookie)
    base = result.get("healthz", {}).get("p95_ms")
    for name in ("dashboard", "figures_json", "dashboard_uncached", "figures_json_uncached"):
        if base and "p95_ms" in result.get(name, {}):
            result[name]["p95_ratio_to_healthz"] = round(result[name]["p95_ms"] / base, 2)
    return result


if __name__ == "__main__":
    emit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
