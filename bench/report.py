"""bench/RESULTS.md from the run's results (bench/data/results.json): figures, targets met or missed, and the
profile. The hand-written reading of a run lives in bench/FINDINGS.md and is appended as it is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.servers import BENCH_DIR

FLOOR_OF = {"create": "floor-insert", "detail": "floor-select"}
QUEUES = ["queue-ordered-first", "queue-ordered-deep", "queue-overdue-first", "queue-overdue-deep"]
FLOOR_OF |= dict.fromkeys(QUEUES, "floor-select")
SHARE = {"create": 0.5} | dict.fromkeys([*QUEUES, "detail"], 0.6)
WHAT = {
    "floor-select": "floor: one keyset SELECT of 20 rows",
    "floor-insert": "floor: one INSERT",
    "queue-ordered-first": "secretary queue `status=ordered`, first page",
    "queue-ordered-deep": "secretary queue `status=ordered`, a page near its end",
    "queue-overdue-first": "secretary queue `overdue=true`, first page",
    "queue-overdue-deep": "secretary queue `overdue=true`, a page near its end",
    "detail": "`GET /wishes/{id}` with its timeline",
    "create": "`POST /wishes` by signed-in residents",
    "ladder-healthz": "for reference: `GET /healthz` (the app's stack, no sign-in, no database)",
    "ladder-me": "for reference: `GET /me` (signed in: the caller loaded, one statement)",
}
LADDER = ["ladder-healthz", "ladder-me"]
P99_LIMIT_MS = 50.0
MEMORY_LIMIT_MB = 200.0
DELIVERY_TARGET = 1000.0


def _mb(kb: int | None) -> str:
    return f"{kb / 1024:.0f} MB" if kb else "–"


def _verdict(ok: bool, miss: str = "") -> str:
    return "met" if ok else f"**missed** {miss}".rstrip()


def _http_rows(size: dict[str, Any]) -> list[str]:
    http = size["http"]
    rows = [
        "| scenario | what | req/s | p50 ms | p99 ms | errors (5xx) | server CPU ms/req | new PG sessions "
        "| load avg | ratio to floor | target | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name in ["floor-select", "floor-insert", *LADDER, *QUEUES, "detail", "create"]:
        r = http.get(name)
        if r is None:
            continue
        floor = http.get(FLOOR_OF.get(name, "floor-select" if name in LADDER else ""))
        ratio = r["rps"] / floor["rps"] if floor and floor["rps"] else None
        target, verdict = "–", "–"
        if name in SHARE:
            share = SHARE[name]
            target = f"≥ {share} × floor, p99 < {P99_LIMIT_MS:.0f} ms"
            misses = []
            if ratio is not None and ratio < share:
                misses.append(f"rate {ratio:.2f} × floor ({(1 - ratio / share) * 100:.0f}% short)")
            if r["p99_ms"] >= P99_LIMIT_MS:
                misses.append(f"p99 {r['p99_ms'] / P99_LIMIT_MS:.1f} × the limit")
            verdict = _verdict(not misses, "; ".join(misses))
        shown = f"{ratio:.2f}" if ratio is not None else "–"
        sessions = r.get("db", {}).get("sessions", "–")
        cpu = r.get("server_cpu_ms") or "–"
        rows.append(
            f"| {name} | {WHAT.get(name, '')} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['errors']} ({r['server_errors']}) | {cpu} | {sessions} | {r.get('load_average') or '–'} | {shown} | "
            f"{target} | {verdict} |"
        )
    return rows


def _scaling_rows(results: dict[str, Any]) -> list[str]:
    labels = list(results["sizes"])
    if len(labels) < 2:
        return ["Only one size was run (BENCH_SIZES): no comparison."]
    small, big = results["sizes"][labels[0]]["http"], results["sizes"][labels[-1]]["http"]
    rows = [
        f"| queue | p99 at {labels[0]} | p99 at {labels[-1]} | ratio | load avg then / then | target ≤ 1.3 |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name in QUEUES:
        if name in small and name in big:
            a, b = small[name]["p99_ms"], big[name]["p99_ms"]
            ratio = b / a if a else float("inf")
            verdict = _verdict(ratio <= 1.3, f"by {ratio / 1.3:.2f}×")
            loads = f"{small[name].get('load_average') or '–'} / {big[name].get('load_average') or '–'}"
            rows.append(f"| {name} | {a:.1f} ms | {b:.1f} ms | {ratio:.2f} | {loads} | {verdict} |")
    return rows


def _plan_figures(plan: str) -> tuple[float | None, int | None]:
    """Execution time (ms) and shared buffers touched, from an EXPLAIN (ANALYZE, BUFFERS) text."""
    time = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    hits = re.search(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", plan)
    buffers = int(hits.group(1)) + int(hits.group(2) or 0) if hits else None
    return (float(time.group(1)) if time else None), buffers


def _sql_scaling(results: dict[str, Any]) -> list[str]:
    """The queue's main query in PostgreSQL at each size: what history costs the database itself."""
    labels = [k for k, v in results["sizes"].items() if v.get("sql")]
    if len(labels) < 2:
        return []
    rows = [
        "In PostgreSQL (EXPLAIN ANALYZE of the wishes query of each request, run once by the benchmark):",
        "",
        "| request | " + " | ".join(f"execution at {k} | buffers at {k}" for k in labels) + " |",
        "|---|" + "---:|---:|" * len(labels),
    ]
    for name in [*QUEUES, "detail"]:
        cells = []
        for label in labels:
            trace = results["sizes"][label]["sql"].get(name)
            ms, buffers = _plan_figures(trace["plans"][0]) if trace and trace["plans"] else (None, None)
            cells += [f"{ms:.2f} ms" if ms is not None else "–", f"{buffers:,}" if buffers is not None else "–"]
        if any(c != "–" for c in cells):
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return rows


def _race(race: dict[str, Any] | None) -> list[str]:
    if not race:
        return ["Not run."]
    ok = race["one_winner"] == race["rounds"] == race["db_agrees"] and race["server_errors"] == 0
    return [
        f"- rounds: {race['rounds']}; exactly one winner: {race['one_winner']}; database agrees: {race['db_agrees']}; "
        f"5xx: {race['server_errors']} → {_verdict(ok)}",
        f"- answers: {race['statuses']}; problem codes: {race['codes']}",
        f"- accept latency p50 {race['accept_p50_ms']} ms, p99 {race['accept_p99_ms']} ms; "
        f"a round of 100 takes {race['round_p50_ms']} ms (median)",
        *[f"- problem: {p}" for p in race["problems"]],
    ]


def _delivery(dl: dict[str, Any] | None) -> list[str]:
    if not dl:
        return ["Not run."]
    if not dl["ran"]:
        return [f"**{dl['reason']}**. No figure is given rather than a made-up one."]
    rate = dl["rate"]
    verdict = _verdict(rate >= DELIVERY_TARGET, f"({rate / DELIVERY_TARGET:.2f} × the target)")
    memory = dl["worker_memory_kb"]
    sent = dl["statuses"].get("sent", 0)
    if dl["statuses"].get("pending"):
        drained = f"- **not drained**: {sent} sent in {dl['seconds']} s, then the benchmark stopped the worker"
    else:
        drained = f"- drained in {dl['seconds']} s (first to last message; {dl['wall_seconds']} s with start-up)"
    lines = [
        f"- {dl['messages']} messages; end states {dl['statuses']}; the fake WeChat accepted {dl['accepted_by_fake']}",
        drained,
        f"- **{rate:.0f} messages/s** → {verdict}",
        f"- relay settings: {dl['settings']}, {dl.get('workers', 1)} worker process(es); 50 ms latency on every fake "
        "WeChat call (its own process)",
        f"- (first) worker memory: peak {_mb(memory.get('VmHWM'))}, at the end {_mb(memory.get('VmRSS'))}; "
        f"PostgreSQL sessions opened while it ran: {dl.get('db_sessions', '–')}",
        *(
            [
                f"- before the worker started: VACUUM of the outbox, CHECKPOINT, then {q['waited_seconds']} s to "
                f"{q['idle_share']:.0%} idle"
            ]
            if (q := dl.get("quiet"))
            else []
        ),
        *([f"- note: {dl['reason']}"] if dl["reason"] else []),
    ]
    p = dl.get("profile")
    if p and "skipped" not in p:
        idle = p.get("idle_samples", 0)
        lines += [
            "",
            f"py-spy on the worker, from its first message on ({p['samples']} samples, {idle} idle left out):",
        ]
        lines.append("")
        lines += _profile_tables(p, 10)
    return lines


def _profile_tables(p: dict[str, Any], top: int) -> list[str]:
    return [
        "CPU by layer (the sample's own frame):",
        "",
        "| layer | share |",
        "|---|---:|",
        *[f"| {a} | {s}% |" for a, s in p["areas"]],
        "",
        "Hottest app functions, inclusive (their callees counted):",
        "",
        "| function | share |",
        "|---|---:|",
        *[f"| `{f}` | {s}% |" for f, s in p["inclusive_app"][:top]],
        "",
        "Hottest frames, self:",
        "",
        "| frame | share |",
        "|---|---:|",
        *[f"| `{f}` | {s}% |" for f, s in p["self"][:top]],
    ]


def _profile(profiles: list[dict[str, Any]]) -> list[str]:
    if not profiles:
        return ["Not run."]
    out: list[str] = []
    for n, p in enumerate(profiles):
        which = "Slowest against its floor" if n == 0 else "Slowest read against its floor"
        if "skipped" in p:
            out += [f"{which}: {p['scenario']}; not profiled: {p['skipped']}", ""]
            continue
        out += [
            f"### {which}: {p['scenario']} ({p['ratio']:.2f} × floor)",
            "",
            f"py-spy sampled the API process at 100 Hz for the {p['load']['seconds']:.0f} s of a rerun "
            f"({p['load']['rps']:.0f} req/s while sampled, {p['load']['server_cpu_ms']} ms of server CPU per "
            f"request; {p['samples']} samples, {p.get('idle_samples', 0)} idle left out; raw stacks in "
            f"`{Path(p['file']).relative_to(BENCH_DIR.parent)}`). Read with care: in our runs the share of asyncpg's "
            "`__do_execute` grew with the machine's load (5% on a quiet machine, 20-30% on a busy one), so some of it "
            "is time waiting for PostgreSQL that the non-blocking sampler saw as running; the single-request profile "
            "below has no such blind spot.",
            "",
            *_profile_tables(p, 15),
            "",
        ]
    return out


def _cprofiles(profiles: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for p in profiles:
        out += [
            f"### {p['scenario']}, one request at a time",
            "",
            f"{p['requests']} requests in a row through the app in the benchmark's process (no server, no other "
            f"load): {p['wall_ms']} ms each, {p['cpu_ms']} ms of it CPU (cProfile roughly doubles Python's time; "
            "the shares are what matter).",
            "",
            "| layer (own time; httpx here is the in-process test client) | ms per request |",
            "|---|---:|",
            *[f"| {a} | {ms} |" for a, ms in p.get("areas", [])],
            "",
            "| our function (plain functions), with what it calls | ms per request |",
            "|---|---:|",
            *[f"| `{f}` | {ms} |" for f, ms in p["app_cumulative"][:15]],
            "",
            "| function, own time | ms per request | calls per request |",
            "|---|---:|---:|",
            *[f"| `{f}` | {ms} | {calls} |" for f, ms, calls in p["own"][:15]],
            "",
        ]
    return out or ["Not run."]


def _sql(sql: dict[str, Any] | None) -> list[str]:
    if not sql:
        return ["Not run."]
    out = []
    for name, t in sql.items():
        total = sum(ms for ms, _ in t["statements"])
        out += [
            f"**{name}** (HTTP {t['status']}): {len(t['statements'])} statements, {total:.1f} ms in the database",
            "",
        ]
        out += [f"{i}. {ms} ms `{s[:160]}`" for i, (ms, s) in enumerate(t["statements"], start=1)]
        for plan in t["plans"][:2]:
            out += ["", "```", plan, "```"]
        out.append("")
    return out


def _seed(seed: dict[str, Any]) -> list[str]:
    rows = [
        "| size | seconds | wishes | events | notifications | users | steps |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, s in seed.items():
        if "skipped" in s:
            rows.append(f"| {label} | – | | | | | {s['skipped']} |")
            continue
        r = s["rows"]
        steps = ", ".join(f"{k} {v}s" for k, v in s["steps"].items())
        rows.append(
            f"| {label} | {s['seconds']} | {r.get('wishes', 0):,} | {r.get('wish_events', 0):,} | "
            f"{r.get('notifications', 0):,} | {r.get('users', 0):,} | {steps} |"
        )
    warnings = sorted({w for s in seed.values() for w in s.get("warnings", [])})
    return rows + [f"- schema note: {w}" for w in warnings]


def _memory(size: dict[str, Any]) -> list[str]:
    peak = max((m.get("VmHWM", 0) for m in size["app_memory_kb"].values()), default=0)
    ok = peak / 1024 < MEMORY_LIMIT_MB
    lines = [f"- API process (`xinyuan serve`, one uvicorn worker): peak resident {_mb(peak)} → {_verdict(ok)}"]
    lines += [f"  - after {k}: {_mb(v.get('VmRSS'))} resident" for k, v in size["app_memory_kb"].items()]
    lines.append(f"- floor process: peak {_mb(size['floor_memory_kb'].get('VmHWM'))}")
    return lines


def write(results: dict[str, Any]) -> Path:
    m = results["machine"]
    labels = list(results["sizes"])
    full = results["sizes"][labels[-1]]
    pg = m["postgres"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` ({m['date']}, commit {m['commit']} with {m['uncommitted_files']} uncommitted files). "
        f"Sizes: {', '.join(labels)}. Whole run: {results['total_seconds'] / 60:.1f} min. "
        "Reproduce: `make bench` (quick: `BENCH_SIZES=10k make bench`); see bench/README.md.",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}, {m['memory_gb']} GB RAM, Linux {m['kernel']}; PostgreSQL {pg.get('server_version')} on the "
        f"same machine (shared_buffers {pg.get('shared_buffers')}, synchronous_commit {pg.get('synchronous_commit')}, "
        f"jit {pg.get('jit')})",
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        f"- load generator: {m['load_generator']}, one thread, 50 connections; py-spy: {m['py_spy']}",
        f"- load average (1/5/15 min) at the start: {m['load_average_start']}; "
        + "; ".join(f"{k}: {v}" for k, v in results["load_average"].items()),
        *_quiet_line(results),
        "",
        f"## Scenarios at {labels[-1]} wishes",
        "",
        *_http_rows(full),
        "",
        "Ratio to floor: our requests/s ÷ the floor's (INSERT for create, SELECT for the reads). Errors: non-2xx "
        "answers and socket errors. Server CPU: user + system time of the server process over the measured run ÷ its "
        "requests (the part of the cost that depends least on what else the machine runs). New PG sessions: "
        "connections PostgreSQL accepted during warm-up and run (a pool that keeps its connections opens none after "
        "the first seconds). Load avg: the machine's 1-minute load average as the run began (2 cores; above 2, "
        "other work was waiting for a core).",
        "",
        "## The queue as history grows",
        "",
        *_scaling_rows(results),
        "",
        *_sql_scaling(results),
        "",
        "## Grab race (100 members, one pool wish, 100 rounds)",
        "",
        *_race(full.get("race")),
        "",
        "## Delivery (20,000 queued notifications, fake WeChat with 50 ms latency)",
        "",
        *_delivery(full.get("delivery")),
        "",
        "### The same with two `xinyuan worker` processes (production runs one or more)",
        "",
        *_delivery(full.get("delivery_two_workers")),
        "",
        "## Memory",
        "",
        *_memory(full),
        "",
        "## Seeding",
        "",
        *_seed(results["seed"]),
        "",
        "## Profile",
        "",
        *_profile(full.get("profiles") or []),
        "",
        *_cprofiles(full.get("cprofiles") or []),
        "",
        "## SQL per request",
        "",
        "Each kind of request once more through the app in the benchmark's process, every statement captured, and "
        "the plans of its SELECTs on wishes (EXPLAIN ANALYZE at the time of the run).",
        "",
        *_sql(full.get("sql")),
        *[f"- note: {n}" for s in results["sizes"].values() for n in s["notes"]],
    ]
    findings = BENCH_DIR / "FINDINGS.md"
    if findings.exists():
        lines += ["", findings.read_text(encoding="utf-8").strip()]
    path = BENCH_DIR / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _quiet_line(results: dict[str, Any]) -> list[str]:
    waits = results.get("quiet") or {}
    if not waits:
        return []
    each = "; ".join(f"{k}: {w['waited_seconds']} s, then {w['idle_share']:.0%} idle" for k, w in waits.items())
    return [f"- before each size's scenarios: CHECKPOINT, then a wait for a quiet machine (90% idle over 3 s): {each}"]
