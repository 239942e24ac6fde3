"""Mixed load on a running stack (`make serve`): browse, filter, edit and export at once.

    .venv/bin/python bench/load_mixed.py --base-url http://127.0.0.1:8000 [--duration 60] [--clients 10]
    make load BASE_URL=http://127.0.0.1:8000

Each client signs in through the login form as the demo office account and then, with no pause
between requests, browses (home, dashboard, lists, detail pages), filters (lists with query
strings), edits (registers a handover item through its form; one in five is sent with a deadline
before its date, which the service must refuse) and exports (an inspection's problem list, the
handover ledger). Afterwards it counts the handover items in the database (DATABASE_URL) and
asserts: no 5xx and no broken connection; every write the client saw succeed is in the database;
every write the server refused answered 4xx with the reason and is not in the database.

A thread pool, not locust: ten clients need no event loop, and the lost-write check needs to
know exactly which writes each client saw succeed. The standard library only (and psycopg,
which the app has). Results: load_mixed.json and load_mixed.md in --out (bench/results/).
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
import zoneinfo
from collections import defaultdict
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.webclient import Response, WebClient  # noqa: E402

KINDS = ("browse", "filter", "edit", "export")
WEIGHTS = (45, 25, 20, 10)
REFUSED_SHARE = 0.2
REFUSAL_MESSAGE = "办理时限不能早于转交日期"
TITLE_PREFIX = "负载测试"
FILTERS = [
    "/problems/?status=fed_back",
    "/problems/?status=rectified&mode=cross",
    "/problems/?q=整改",
    "/problems/?page=2",
    "/inspections/?status=closed",
    "/inspections/?mode=look_back",
    "/measures/?status=reported",
    "/measures/?q=制度",
    "/handover/?status=open",
    "/clues/?destination=discipline",
    "/petitions/?q=反映",
    "/organizations/?level=village",
]
LISTS = ["/", "/dashboard/", "/inspections/", "/problems/", "/measures/", "/handover/", "/clues/", "/rounds/"]


class Targets:
    """What the clients pick from: found once by browsing, as a person would."""

    def __init__(self, client: WebClient):
        self.inspections = self._ids(client, "/inspections/", r'href="/inspections/(\d+)/"')
        self.problems = self._ids(client, "/problems/", r'href="/problems/(\d+)/"')
        self.measures = self._ids(client, "/measures/", r'href="/measures/(\d+)/"')
        self.fed_back = self._ids(client, "/inspections/?status=fed_back", r'href="/inspections/(\d+)/"')
        if not (self.inspections and self.problems and self.fed_back):
            raise SystemExit("the lists show no inspections, problems or fed-back inspections: seed the demo data")

    @staticmethod
    def _ids(client: WebClient, path: str, pattern: str) -> list[int]:
        response = client.get(path)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        return sorted({int(i) for i in re.findall(pattern, response.text)})


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.by_path: dict[str, list[float]] = defaultdict(list)  # ids as <id>: which page is slow
        self.failures: list[str] = []
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.writes_ok: set[str] = set()
        self.writes_refused: set[str] = set()

    def record(self, kind: str, path: str, response: Response | None, error: str = "", expect=(200,)) -> bool:
        with self.lock:
            if response is None:
                self.failures.append(f"{kind} {path}: {error}")
                self.statuses[kind][0] += 1
                return False
            self.samples[kind].append(response.seconds)
            self.by_path[re.sub(r"\d+", "<id>", path)].append(response.seconds)
            self.statuses[kind][response.status] += 1
            if response.status not in expect:
                self.failures.append(f"{kind} {path}: HTTP {response.status} {response.text[:200]!r}")
                return False
            return True

    def fail(self, kind: str, message: str) -> None:
        with self.lock:
            self.failures.append(f"{kind} {message}")


class Client(threading.Thread):
    def __init__(self, n: int, args, targets: Targets, recorder: Recorder, run_id: str, deadline: float):
        super().__init__(name=f"client-{n}", daemon=True)
        self.n, self.args, self.targets, self.recorder = n, args, targets, recorder
        self.run_id, self.deadline = run_id, deadline
        self.rng = random.Random(f"{args.seed}-{n}")
        self.web = WebClient(args.base_url)
        self.writes = 0

    def run(self) -> None:
        response = self.web.login(self.args.username, self.args.password)
        if response.status != 302:
            self.recorder.record("login", "/login/", response, expect=(302,))
            return
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(KINDS, WEIGHTS)[0]
            try:
                getattr(self, kind)()
            except Exception as exc:  # a client that dies must fail the run, not shorten it
                self.recorder.fail(kind, f"client {self.n} stopped: {exc!r}")
                return

    def _get(self, kind: str, path: str) -> Response | None:
        try:
            response = self.web.get(path)
        except OSError as exc:
            self.recorder.record(kind, path, None, f"{exc.__class__.__name__}: {exc}")
            return None
        return response if self.recorder.record(kind, path, response) else None

    def browse(self) -> None:
        t = self.targets
        path = self.rng.choice(
            [
                self.rng.choice(LISTS),
                f"/inspections/{self.rng.choice(t.inspections)}/",
                f"/problems/{self.rng.choice(t.problems)}/",
                f"/measures/{self.rng.choice(t.measures)}/" if t.measures else "/measures/",
            ]
        )
        self._get("browse", path)

    def filter(self) -> None:
        self._get("filter", self.rng.choice(FILTERS))

    def export(self) -> None:
        inspection = self.rng.choice(self.targets.fed_back)
        path = self.rng.choice([f"/inspections/{inspection}/lists/problem_list/", "/exports/handover/?status=open"])
        response = self._get("export", path)
        if response is not None and not response.body.startswith(b"PK"):
            self.recorder.fail("export", f"{path}: not an xlsx")

    def edit(self) -> None:
        """Register a handover item; some on purpose with a deadline before their date."""
        self.writes += 1
        title = f"{TITLE_PREFIX} {self.run_id} c{self.n}-{self.writes}"
        refuse = self.rng.random() < REFUSED_SHARE
        path = f"/inspections/{self.rng.choice(self.targets.fed_back)}/handover/new/"
        page = self._get("browse", path)
        if page is None:
            return
        today = self.args.today
        fields = {
            "title": title,
            "department": "市信访局",
            "handed_over_on": today.isoformat(),
            "deadline": (today - dt.timedelta(days=1) if refuse else today + dt.timedelta(days=30)).isoformat(),
            "content": "负载测试",
        }
        try:
            response = self.web.post(path, fields, page)
        except OSError as exc:
            self.recorder.record("edit", path, None, f"{exc.__class__.__name__}: {exc} (outcome unknown)")
            return
        if refuse:
            if self.recorder.record("edit", path, response, expect=(400,)):
                if REFUSAL_MESSAGE in response.text:
                    with self.recorder.lock:
                        self.recorder.writes_refused.add(title)
                else:
                    self.recorder.fail("edit", f"{path}: refused without the reason: {response.text[:200]!r}")
        elif self.recorder.record("edit", path, response, expect=(302,)):
            with self.recorder.lock:
                self.recorder.writes_ok.add(title)


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def titles_in_database(database_url: str, run_id: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT title FROM rectification_handoveritem WHERE title LIKE %s", (f"{TITLE_PREFIX} {run_id} %",)
        ).fetchall()
    return {r[0] for r in rows}


def summarize(args, recorder: Recorder, in_db: set[str], elapsed: float, run_id: str) -> dict:
    kinds = {}
    for kind in (*KINDS, "login"):
        samples = recorder.samples.get(kind, [])
        statuses = dict(sorted(recorder.statuses.get(kind, {}).items()))
        if not samples and not statuses:
            continue
        kinds[kind] = {
            "requests": sum(statuses.values()),
            "failures": sum(1 for f in recorder.failures if f.startswith(kind + " ")),
            "p50_ms": round(percentile(samples, 50) * 1000, 1),
            "p95_ms": round(percentile(samples, 95) * 1000, 1),
            "max_ms": round(max(samples, default=0) * 1000, 1),
            "statuses": {str(k): v for k, v in statuses.items()},
        }
    total = sum(k["requests"] for k in kinds.values())
    server_errors = sum(v for k in kinds.values() for s, v in k["statuses"].items() if s == "0" or s.startswith("5"))
    return {
        "run_id": run_id,
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "base_url": args.base_url,
        "clients": args.clients,
        "duration_s": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1) if elapsed else 0,
        "failures": len(recorder.failures),
        "server_errors_or_broken_connections": server_errors,
        "kinds": kinds,
        "writes": {
            "succeeded": len(recorder.writes_ok),
            "refused_with_reason": len(recorder.writes_refused),
            "in_database": len(in_db),
            "lost": sorted(recorder.writes_ok - in_db),
            "refused_but_saved": sorted(recorder.writes_refused & in_db),
        },
        "slowest_paths": [
            {
                "path": path,
                "requests": len(v),
                "p50_ms": round(percentile(v, 50) * 1000, 1),
                "p95_ms": round(percentile(v, 95) * 1000, 1),
            }
            for path, v in sorted(recorder.by_path.items(), key=lambda kv: -percentile(kv[1], 95))[:8]
        ],
        "failure_examples": recorder.failures[:20],
    }


def markdown(result: dict) -> str:
    w = result["writes"]
    lines = [
        f"# Mixed load test ({result['started_at']})",
        "",
        f"{result['clients']} clients for {result['duration_s']} s against {result['base_url']}: "
        f"{result['requests']} requests ({result['requests_per_s']}/s), {result['failures']} failures, "
        f"{result['server_errors_or_broken_connections']} 5xx or broken connections.",
        "",
        "| kind | requests | failures | p50 ms | p95 ms | max ms | statuses |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for kind, k in result["kinds"].items():
        statuses = ", ".join(f"{s}: {n}" for s, n in k["statuses"].items())
        lines.append(
            f"| {kind} | {k['requests']} | {k['failures']} | {k['p50_ms']} | {k['p95_ms']} | {k['max_ms']} | {statuses} |"
        )
    lines += [
        "",
        f"Writes: {w['succeeded']} succeeded, all {w['in_database']} found in the database "
        f"(lost: {len(w['lost'])}); {w['refused_with_reason']} refused with the reason "
        f"(saved anyway: {len(w['refused_but_saved'])}).",
        "",
        "Edit = the handover form's POST (its GET counts as browse); export = an xlsx download.",
        "",
        "Slowest pages (p95): "
        + "; ".join(
            f"{p['path']} {p['p50_ms']:.0f}/{p['p95_ms']:.0f} ms ({p['requests']})" for p in result["slowest_paths"]
        ),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (default 10)")
    parser.add_argument("--username", default="office", help="a demo office account (default office)")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD") or "Xuncha@2026demo")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="to count the writes")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"))
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL (or --database-url) to the stack's PostgreSQL: the writes are counted there")
    # Event dates may not lie in the future, and the app's today is Shanghai's.
    args.today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()

    scout = WebClient(args.base_url)
    if scout.login(args.username, args.password).status != 302:
        raise SystemExit(f"cannot sign in as {args.username} at {args.base_url}")
    targets = Targets(scout)
    run_id = secrets.token_hex(3)
    recorder = Recorder()
    started = time.monotonic()
    clients = [Client(n, args, targets, recorder, run_id, started + args.duration) for n in range(args.clients)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    elapsed = time.monotonic() - started
    result = summarize(args, recorder, titles_in_database(args.database_url, run_id), elapsed, run_id)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "load_mixed.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    (out / "load_mixed.md").write_text(markdown(result))
    print(markdown(result))
    for failure in result["failure_examples"]:
        print("FAILURE:", failure, file=sys.stderr)
    w = result["writes"]
    ok = not result["failures"] and not w["lost"] and not w["refused_but_saved"] and w["succeeded"] > 0
    print("load test " + ("passed" if ok else "FAILED") + f"; results in {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
