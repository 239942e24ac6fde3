"""`make bench`: every measurement in one run, then a report in bench/results/.

    python -m bench.run [--quick]

DATABASE_URL names the database (default: postgres://postgres@127.0.0.1:5432/xuncha_province).
Each measurement runs in a fresh process (bench/<name>.py) and hands back JSON; this module
only orchestrates, compares with the targets and writes <date>.md/.json and latest.md/.json.
--quick (or BENCH_QUICK=1) shortens everything for trying the benchmark out.
"""

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, bench_env, run_measurement

RESULTS = Path(__file__).resolve().parent / "results"
CHANGES = Path(__file__).resolve().parent / "CHANGES.md"


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def dataset() -> dict:
    code = (
        "from bench.common import setup, emit; setup()\n"
        "from django.db import connection\n"
        "tables = {'organizations': 'campaigns_organization', 'inspections': 'campaigns_inspection',"
        " 'problems': 'findings_problem', 'measures': 'rectification_measure', 'clues': 'findings_clue',"
        " 'petitions': 'findings_petition', 'users': 'accounts_user', 'rollup rows': 'reports_inspectionrollup'}\n"
        "with connection.cursor() as c:\n"
        "    out = {}\n"
        "    for k, t in tables.items():\n"
        "        c.execute(f'SELECT count(*) FROM {t}'); out[k] = c.fetchone()[0]\n"
        "    c.execute('SELECT current_database(), version()'); out['database'], out['server'] = c.fetchone()\n"
        "from django.db.migrations.executor import MigrationExecutor\n"
        "ex = MigrationExecutor(connection)\n"
        "plan = ex.migration_plan(ex.loader.graph.leaf_nodes())\n"
        "out['unapplied migrations'] = ', '.join(f'{m.app_label}.{m.name}' for m, _ in plan) or 'none'\n"
        "emit(out)\n"
    )
    proc = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=bench_env(), capture_output=True, text=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH-RESULT ")), None)
    if line is None:
        raise SystemExit(f"cannot read the database: {proc.stderr[-2000:]}")
    return json.loads(line[len("BENCH-RESULT ") :])


def collectstatic() -> None:
    """DEBUG off serves hashed static files through WhiteNoise's manifest: it must exist."""
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", "--skip-checks"],
        cwd=ROOT,
        env=bench_env(),
        check=True,
    )


def measure_all(quick: bool) -> dict:
    seconds = "3" if quick else os.environ.get("BENCH_SECONDS", "15")
    sizes = os.environ.get("BENCH_EXPORT_ROWS", "5000" if quick else "100000,1000000")
    export_rows = [int(n) for n in sizes.split(",") if n.strip()]
    out: dict = {}
    steps = [
        ("http", "http_load", [seconds]),
        ("rollup", "rollup_bench", []),
        ("edit_latency", "edit_latency", []),
        ("outbox", "outbox_drain", ["200" if quick else "2000"]),
        ("lists", "lists", ["5" if quick else "20"]),
    ]
    for key, module, args in steps:
        log(f"{module} {' '.join(args)}")
        out[key] = run_measurement(module, *args)
    out["export"] = {}
    for rows in export_rows:
        modes = ["read", "ledger", "bare"]
        # django-import-export holds the whole sheet in memory (tablib, then a normal openpyxl
        # workbook): at a million rows that is several GB on a shared machine, so it runs at
        # 100k unless asked (BENCH_IMPORT_EXPORT_1M=1).
        if rows <= 100_000 or os.environ.get("BENCH_IMPORT_EXPORT_1M") == "1":
            modes.append("import_export")
        for mode in modes:
            log(f"export {mode} {rows}")
            out["export"][f"{mode} {rows}"] = run_measurement("export_bench", mode, str(rows))
    log("import")
    out["import"] = run_measurement("import_bench", "1000" if quick else "10000", "commit")
    return out


def verdict(value, target, higher_is_better=False) -> str:
    if value is None or isinstance(value, str):
        return "—"
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "**missed**"


def rows_for(results: dict) -> list[tuple]:
    """(measurement, value, target, verdict) for the summary table."""
    rows = []
    http = results.get("http", {})
    for name, label in (
        ("healthz", "/healthz"),
        ("dashboard", "Dashboard"),
        ("figures_json", "figures.json"),
        ("dashboard_uncached", "Dashboard, figures cache off (before)"),
        ("figures_json_uncached", "figures.json, figures cache off (before)"),
    ):
        r = http.get(name, {})
        if "p95_ms" not in r:
            rows.append((f"{label} under load", r.get("error", http.get("error", "not measured")), "", "—"))
            continue
        rows.append(
            (
                f"{label}: p50 / p95 (10 connections, {r['rps']} req/s)",
                f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} ms",
                "p95 ≤ 100 ms" if name != "healthz" else "baseline",
                verdict(r["p95_ms"], 100) if name != "healthz" else "",
            )
        )
        if name != "healthz":
            ratio = r.get("p95_ratio_to_healthz")
            rows.append((f"{label}: p95 ÷ /healthz p95", f"{ratio}×", "≤ 5×", verdict(ratio, 5)))
    roll = results.get("rollup", {})
    if "rebuild_s" in roll:
        rows.append((f"Rollup rebuild ({roll['inspections']} inspections)", f"{roll['rebuild_s']} s", "", ""))
        rows.append(
            (
                "Rollup rebuild ÷ bare SQL GROUP BY",
                f"{roll['ratio']}× (bare {roll['bare_sql_s']} s)",
                "≤ 3×",
                verdict(roll["ratio"], 3),
            )
        )
    else:
        rows.append(("Rollup rebuild", roll.get("error", "not measured"), "", "—"))
    edit = results.get("edit_latency", {})
    rows.append(
        (
            "Edit → figures.json shows it (Celery worker, Redis)",
            f"{edit.get('latency_s')} s (undo {edit.get('undo_latency_s')} s)"
            if "latency_s" in edit
            else edit.get("error"),
            "≤ 2 s",
            verdict(edit.get("latency_s"), 2),
        )
    )
    rows += outbox_rows(results.get("outbox", {}))
    for name, r in results.get("lists", {}).get("cases", {}).items():
        counts = "; COUNT over a big table!" if r["whole_table_counts"] else ""
        rows.append(
            (
                f"List {name}: queries, p50 / p95",
                f"{r['queries']} q, {r['p50_ms']} / {r['p95_ms']} ms{counts}",
                "≤ 12 q, p95 ≤ 300 ms",
                "met" if r["queries"] <= 12 and r["p95_ms"] <= 300 and not r["whole_table_counts"] else "**missed**",
            )
        )
    exports = results.get("export", {})
    sizes = sorted({int(k.split()[1]) for k in exports})
    for rows_n in sizes:
        ledger, bare = exports.get(f"ledger {rows_n}", {}), exports.get(f"bare {rows_n}", {})
        read = exports.get(f"read {rows_n}", {})
        for mode in ("read", "ledger", "bare", "import_export"):
            r = exports.get(f"{mode} {rows_n}")
            if r is None:
                continue
            if "rows_per_s" not in r:
                rows.append((f"Export {rows_n:,} rows, {mode}", r.get("error", "failed"), "", "—"))
                continue
            rows.append(
                (
                    f"Export {rows_n:,} rows, {LABELS[mode]}",
                    f"{r['rows_per_s']:,} rows/s ({r['s']} s), +{r['memory_growth_mb']} MB, {r['file_mb']} MB file",
                    "memory ≤ 150 MB" if mode == "ledger" else "",
                    verdict(r["memory_growth_mb"], 150) if mode == "ledger" else "",
                )
            )
        if "rows_per_s" in ledger and "rows_per_s" in bare:
            ratio = round(ledger["rows_per_s"] / bare["rows_per_s"], 2)
            rows.append(
                (f"Export {rows_n:,}: ledger ÷ bare openpyxl speed", f"{ratio}×", "≥ 0.8×", verdict(ratio, 0.8, True))
            )
            if "s" in read:
                w_ratio = round((bare["s"] - read["s"]) / max(ledger["s"] - read["s"], 1e-9), 2)
                rows.append((f"Export {rows_n:,}: same, writing only (reading rows subtracted)", f"{w_ratio}×", "", ""))
    imp = results.get("import", {})
    if "s" in imp:
        rows.append(
            (
                f"Import {imp['rows']:,} problems (validate + write, rolled back)",
                f"{imp['s']} s ({imp['rows_per_s']} rows/s), +{imp['memory_growth_mb']} MB",
                "≤ 30 s",
                verdict(imp["s"], 30) if imp.get("saved") else "**failed**",
            )
        )
    else:
        rows.append(("Import", imp.get("error", "not measured"), "≤ 30 s", "—"))
    return rows


def outbox_rows(r: dict) -> list[tuple]:
    if "spread" not in r:
        return [("Outbox drain", r.get("error", "not measured"), "", "—")]
    at = f"{r['inspections_in_db']:,} inspections in the database"
    spread, hot = r["spread"], r["hot"]
    return [
        (
            f"Outbox drain, {spread['jobs']:,} jobs on as many inspections ({at})",
            f"{spread['refreshes_per_s']:,} refreshes/s ({spread['s']} s)",
            "",
            "",
        ),
        (
            f"Outbox drain, {hot['jobs']:,} jobs on {hot['inspections']} inspections (coalesced)",
            f"{hot['jobs_per_s']:,} jobs/s ({hot['s']} s)",
            "",
            "",
        ),
    ]


LABELS = {
    "read": "reading rows only (floor)",
    "ledger": "LedgerWriter (reports.exports)",
    "bare": "bare openpyxl write-only",
    "import_export": "django-import-export 4.4.3",
}


def markdown(meta: dict, results: dict) -> str:
    lines = [
        f"# Xuncha benchmark — {meta['started']}",
        "",
        f"Database `{meta['dataset'].get('database')}` ({meta['database_note']}); "
        f"{meta['dataset'].get('server', '').split(' on ')[0]}; machine: {meta['machine']}.",
        "",
        "| data | rows |",
        "|---|---|",
        *[f"| {k} | {v:,} |" for k, v in meta["dataset"].items() if isinstance(v, int)],
        "",
        f"Migrations not applied to this database: {meta['dataset'].get('unapplied migrations')}"
        " (the code measured is the working tree; an index added by such a migration is absent).",
        "",
        "| measurement | value | target | |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows_for(results)],
        "",
        f"Run took {meta['minutes']} minutes. Raw numbers (every query count, slowest SQL, per-table"
        " GROUP BY times) are in the JSON file of the same name.",
        "",
    ]
    errors = {k: v for k, v in results.items() if isinstance(v, dict) and "error" in v}
    for key, value in errors.items():
        lines += [f"## {key} failed", "", "```", value.get("stderr", "")[-1500:], "```", ""]
    if CHANGES.exists():
        lines += [CHANGES.read_text()]
    return "\n".join(lines)


# DESIGN.md §4's province, less a tenth: seed_demo --scale province gives 98k / 1.0M / 2.0M.
PROVINCE = {"organizations": 90_000, "problems": 900_000, "measures": 1_800_000}


def data_note(data: dict) -> str:
    if all(data.get(table, 0) >= n for table, n in PROVINCE.items()):
        return "province data loaded"
    return "NOT the province data set: fewer rows than DESIGN.md §4's province"


def rerender(json_path: Path) -> None:
    """Write a report's Markdown again from its JSON (after CHANGES.md or this module changed)."""
    saved = json.loads(json_path.read_text())
    meta = saved["meta"]
    meta["database_note"] = data_note(meta["dataset"]) + (" — quick run" if meta.get("quick") else "")
    json_path.write_text(json.dumps(saved, ensure_ascii=False, indent=2, default=str))
    json_path.with_suffix(".md").write_text(markdown(meta, saved["results"]))


def main() -> None:
    quick = "--quick" in sys.argv or os.environ.get("BENCH_QUICK") == "1"
    started = datetime.datetime.now(datetime.UTC)
    t0 = time.monotonic()
    log(f"database {bench_env()['DATABASE_URL']}")
    data = dataset()
    note = data_note(data)
    log(f"data: {data}")
    collectstatic()
    results = measure_all(quick)
    meta = {
        "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "quick": quick,
        "dataset": data,
        "database_note": note + (" — quick run" if quick else ""),
        "machine": f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end (shared)",
        "minutes": round((time.monotonic() - t0) / 60, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    stem = f"{started:%Y-%m-%d-%H%M}" + ("-quick" if quick else "")
    report = markdown(meta, results)
    payload = json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2, default=str)
    for name in (stem, "latest"):
        (RESULTS / f"{name}.md").write_text(report)
        (RESULTS / f"{name}.json").write_text(payload)
    print(report)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--rerender":
        rerender(Path(sys.argv[2]))
    else:
        main()
