#!/usr/bin/python3
"""Seeded random regressions of lpusim, in parallel, with a summary, JUnit XML, and for every
failure the command that replays it and a waveform around the first divergence.

    scripts/regress.py                                   # the default: tiny, seeds 1..7, every kind
    scripts/regress.py --configs tiny small tsp-v1 --seeds 20 --junit build/regress.xml
    scripts/regress.py --configs tiny small --budget 60  # nightly: new seeds until an hour is spent
    scripts/regress.py --job workload:tiny:5             # replay one job (what a failure prints)

Kinds (--kinds; a job is KIND:CONFIG:SEED and everything it does follows from those three):
  cosim           lpusim cosim mxm --config C --seed S --stimulus K --ops N: the MXM plane model
                  against its Verilated RTL, every result beat, value and cycle. The stimulus is
                  the seed's (seed mod 7 of: random zeros identity min-neg uint8-extremes
                  weight-swap dense), N drawn from the seed.
  workload        a random workload (tests/python/check_compile.py's generator: GEMMs, MLPs,
                  element-wise chains, graphs; i8/u8/f16 matmuls, every op the compiler lowers)
                  compiled, run with its --inputs, and held to two promises: the run takes
                  exactly the predicted cycles, and every output equals
                  tests/python/workload_reference.py's numpy outputs bit for bit.
  workload-cosim  the same with lpusim run --cosim mxm: every MXM plane also on its RTL (workloads
                  with an fp16 matmul are drawn again: the RTL is int8-only).
  system          a multi-chip program of examples/system/gen_system.py (pipeline, all-reduce or
                  multi-hop; seeded data) on tiny chips, with seeded link bit errors (BER 0 to
                  5e-2, some bursts) under --link-errors poison: the links carried what the
                  schedule sent, the poisoned-vector counts agree, and every output equals numpy
                  bit for bit on every chip no poisoned vector can have reached (all of them when
                  the FEC corrected every error). Config tiny only.
  plan            the runs of the coverage plan (tests/data/coverage/plan.yaml, docs/coverage.md),
                  one job each (plan:NAME), not seeded: with them the regression reaches every
                  reachable coverage bin. In the default kinds when lpusim collects coverage.

Jobs run in a deterministic order (the plan's runs, then by seed, config, kind) on --jobs
processes. Exit code 0 when every job passed (or was skipped: a workload the compiler refuses as
a documented limit of the config), 1 when any failed (or, with --require-full-coverage, a
reachable coverage bin was missed), 2 bad usage, 3 a bad config file, 130 interrupted.

Output (--out DIR, default build/regress/<date-time>): results.jsonl (a line per finished job,
appended as it finishes), summary.txt, junit.xml (or --junit FILE), and per failed job
failures/<job>/: its files (workload.yaml, prog.s, inputs/, ref/, stats.json, gen/, ...),
output.txt (every command and its output), replay.txt, and wave/ (the waveform, written by
the command the report shows). Each failure directory appears whole (one rename).

Waves: a co-simulation failure is replayed with lpusim's own replay line (--wave DIR
--wave-window around the first divergence); a failing lpusim run with --wave DIR --wave-window
100 cycles before to 20 after the cycle its error names; a cycle-count mismatch around the
earlier of the two counts; a wrong output around the layer group that wrote it (from the
compiler's --report); a system's wrong output with the whole run's waveform per chip.

--budget MINUTES launches new jobs (seeds 1, 2, ... or the given ones, in order) until the time
is spent, lets the running ones finish, and reports how many ran. --inject-fault KIND makes
the jobs it applies to fail on purpose (testing the regression itself; see docs/regress.md).
Coverage: every job's lpusim runs collect functional coverage (--coverage), merged into
OUT/coverage.json and OUT/coverage.txt and printed with the bins never hit and those no run can
reach (why); --no-coverage turns it off. docs/regress.md has the details.
"""
import argparse
import concurrent.futures as cf
import datetime
import itertools
import json
import os
import pathlib
import re
import shlex
import sys
import time
from concurrent.futures.process import BrokenProcessPool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lpusimtools.common import (EXIT_CHECK, EXIT_INPUT, EXIT_OK, EXIT_USAGE, ROOT, ToolError,  # noqa: E402
                                atomic_write, die, lpusim_binary, main_guard, run_lpusim, first_error_line)
from lpusimtools import coverage, junit, regress_jobs as rj  # noqa: E402
sys.path.insert(0, str(ROOT / "examples" / "system"))
from lpusys import positive as positive_int  # noqa: E402  (the generators' argument type)

DEFAULT_SEEDS = 7  # seeds 1..7: every co-simulation stimulus once
NOTES_SHOWN = 5
MISSED_SHOWN = 20
LIST_LIMIT = 1000  # --list with an unbounded --budget


def seed_value(text):
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got '{text}'")
    return int(text)


def positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes, got '{text}'")
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of minutes")
    return v


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, as every lpusim tool
        raise ToolError(message, EXIT_USAGE)


def parse_args(argv):
    ap = Parser(prog="regress.py", description=__doc__.split("\n")[0], epilog=__doc__,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", nargs="+", default=["tiny"], metavar="CONFIG",
                    help="chip configs: names under configs/ (tiny, small, tsp-v1) or paths (default: tiny)")
    ap.add_argument("--kinds", nargs="+", metavar="KIND",
                    help=f"job kinds, of {', '.join(rj.KINDS)} (default: all; plan only with coverage)")
    seeds = ap.add_mutually_exclusive_group()
    seeds.add_argument("--seeds", type=positive_int, metavar="N",
                       help=f"N seeds from --first-seed (default {DEFAULT_SEEDS}; with --budget: unbounded)")
    seeds.add_argument("--seed-list", nargs="+", type=seed_value, metavar="S", help="exactly these seeds, in order")
    ap.add_argument("--first-seed", type=seed_value, default=1, metavar="S", help="first seed of --seeds (default 1)")
    ap.add_argument("--job", action="append", default=[], metavar="KIND:CONFIG:SEED",
                    help="run only this job (repeatable): what a failure's replay line says")
    ap.add_argument("--jobs", type=positive_int, default=len(os.sched_getaffinity(0)), metavar="N",
                    help="jobs in parallel (default: the processors available, %(default)s)")
    ap.add_argument("--budget", type=positive_float, metavar="MINUTES",
                    help="stop launching jobs once this much time is spent (running jobs finish)")
    ap.add_argument("--timeout", type=positive_int, default=1800, metavar="SECONDS",
                    help="a job running longer fails (default 1800)")
    ap.add_argument("--out", type=pathlib.Path, metavar="DIR",
                    help="output directory, must not hold an earlier run (default build/regress/<date-time>)")
    ap.add_argument("--junit", type=pathlib.Path, metavar="FILE", help="JUnit XML (default OUT/junit.xml)")
    ap.add_argument("--build-dir", type=pathlib.Path, default=pathlib.Path("build"), metavar="DIR",
                    help="where lpusim was built (default build)")
    ap.add_argument("--keep", action="store_true", help="also keep passing jobs' files (OUT/passed/<job>/)")
    ap.add_argument("--list", action="store_true", help="print the jobs and what each draws from its seed; run nothing")
    ap.add_argument("--coverage", action=argparse.BooleanOptionalAction, default=None,
                    help="collect and merge functional coverage (default: when lpusim supports it)")
    ap.add_argument("--require-full-coverage", action="store_true",
                    help="exit 1 if a reachable coverage bin was never hit")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar (default: when stderr is a terminal)")
    test = ap.add_argument_group("testing the regression itself")
    test.add_argument("--inject-fault", choices=sorted(rj.FAULTS), metavar="KIND",
                      help="make the jobs it applies to fail: " +
                           "; ".join(f"{k}: {v[0]} ({', '.join(v[1])})" for k, v in rj.FAULTS.items()))
    a = ap.parse_args(argv)
    for k in a.kinds or []:
        if k not in rj.KINDS:
            die(f"--kinds: unknown kind '{k}' (kinds: {', '.join(rj.KINDS)})")
    if a.job and (a.seeds or a.seed_list or a.budget or "--kinds" in argv or "--configs" in argv):
        die("--job names its kind, config and seed: give no --kinds, --configs, --seeds, --seed-list or --budget")
    try:
        a.job = [rj.parse_job_id(j) for j in a.job]
    except ValueError as e:
        die(f"--job: {e}")
    return a


def check_configs(exe, configs):
    """Every config exists (exit 2 otherwise) and loads (lpusim config; exit 3 with its error)."""
    for c in configs:
        path = rj.config_path(c)
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in (ROOT / "configs").glob("*.yaml")))
            die(f"--configs: '{c}' is neither a config under configs/ ({known}) nor a file")
        p = run_lpusim(exe, ["config", str(path)], timeout=60)
        if p.returncode != 0:
            raise ToolError(f"--configs: {re.sub(r'^lpusim: (error: )?', '', first_error_line(p))}", EXIT_INPUT)


def coverage_support(exe, wanted):
    """Which lpusim commands take --coverage FILE (issue 12, item 5)."""
    found = {}
    for name, args in (("run", ["run", "--help"]), ("cosim", ["cosim", "mxm", "--help"]),
                       ("system", ["run", "--system", "x", "--help"])):
        found[name] = wanted is not False and "--coverage" in run_lpusim(exe, args, timeout=60).stdout
    if wanted and not any(found.values()):
        die("--coverage: this lpusim collects no functional coverage (no --coverage on run or cosim mxm)")
    return found


def job_list(a):
    """(kind, config, seed) in order: the coverage plan's runs, then by seed, then config, then
    kind. Unbounded with --budget and no --seeds/--seed-list."""
    if a.job:
        yield from a.job
        return
    if "plan" in a.kinds:
        for name in rj.plan_runs():
            yield "plan", name, None
    if a.seed_list:
        seeds = iter(a.seed_list)
    elif a.seeds or not a.budget:
        seeds = iter(range(a.first_seed, a.first_seed + (a.seeds or DEFAULT_SEEDS)))
    else:
        seeds = itertools.count(a.first_seed)
    for seed in seeds:
        for config in a.configs:
            for kind in a.kinds:
                if kind != "plan" and rj.applies(kind, config):
                    yield kind, config, seed


def out_dir(a):
    if a.out is None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = ROOT / "build" / "regress" / stamp
        for n in itertools.count(2):
            if not out.exists():
                break
            out = ROOT / "build" / "regress" / f"{stamp}-{n}"
        return out
    out = a.out.resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        die(f"--out: {a.out} exists and is not an empty directory (remove it, or choose another)")
    return out


def append_result(path, result):
    with open(path, "a") as f:
        f.write(json.dumps(result, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


# ---- report -----------------------------------------------------------------------------------
def groups(results):
    """[((kind, config label), results)], kinds in KINDS order, configs in the order given."""
    out, configs = {}, {}
    for r in results:
        out.setdefault((r["kind"], r["label"]), []).append(r)
        configs.setdefault(r["label"], len(configs))
    order = {k: i for i, k in enumerate(rj.KINDS)}
    return sorted(out.items(), key=lambda kv: (order[kv[0][0]], configs[kv[0][1]]))


def summary_text(results, wall, header, stop_note):
    rows = [("kind", "config", "runs", "passed", "failed", "skipped", "time")]
    total = [0, 0, 0, 0, 0.0]
    for (kind, label), rs in groups(results):
        n = [len(rs), sum(r["status"] == "pass" for r in rs), sum(r["status"] == "fail" for r in rs),
             sum(r["status"] == "skip" for r in rs), sum(r["time"] for r in rs)]
        total = [t + v for t, v in zip(total, n)]
        rows.append((kind, label, *map(str, n[:4]), f"{n[4]:.1f} s"))
    rows.append(("all", "", *map(str, total[:4]), f"{total[4]:.1f} s"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [header]
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0 or i == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"wall time {wall:.1f} s" + (f"; {stop_note}" if stop_note else ""))
    for r in results:
        if r["status"] == "fail":
            lines.append("")
            lines += failure_lines(r)
    for r in results:
        if r["status"] == "skip":
            lines.append(f"skipped {r['id']}: {r['message']}")
    noted = [r for r in results if r.get("notes")]
    if noted:
        lines.append(f"\nnotes ({len(noted)} jobs; not failures, the details in results.jsonl):")
        for r in noted[:NOTES_SHOWN]:
            lines.append(f"  {r['id']}: {r['notes'][0]}" + (f" (and {len(r['notes']) - 1} more)"
                                                            if len(r["notes"]) > 1 else ""))
        if len(noted) > NOTES_SHOWN:
            lines.append(f"  ... and {len(noted) - NOTES_SHOWN} more jobs")
    return "\n".join(lines) + "\n"


def failure_lines(r):
    lines = [f"FAILED {r['id']} ({r.get('describe', '')}): {r['message']}", f"  replay: {r['replay']}"]
    w = r.get("wave")
    if w:
        span = f"cycles {w['window'][0]}..{w['window'][1]}" if w["window"] else "the whole run"
        if w["command"] == r["replay"]:
            lines.append(f"  waves ({span}, written by the replay):")
        else:
            lines.append(f"  waves ({span}): {w['command']}")
        lines += [f"    {f}" for f in w["files"]] or ["    (none written)"]
    if r.get("job_replay") and r["job_replay"] != r["replay"]:
        lines.append(f"  the whole job again: {r['job_replay']}")
    if r.get("artifacts"):
        lines.append(f"  files: {r['artifacts']}/ (replay.txt, output.txt)")
    return lines


def junit_names(r):
    """(classname, name) of a job's test case: regress.KIND.CONFIG and seed-S; regress.plan and
    the run's name for the coverage plan's runs. Stable across runs, so CI keeps a history."""
    if r["kind"] == "plan":
        return "regress.plan", r["config"]
    return f"regress.{r['kind']}.{r['label']}", f"seed-{r['seed']}"


def write_junit(path, results, timestamp, props):
    suites = []
    for (kind, label), rs in groups(results):
        classname = junit_names(rs[0])[0]
        s = junit.Suite(classname, timestamp, props)
        for r in sorted(rs, key=lambda r: (r["seed"] or 0, r["config"])):
            text = "\n".join(failure_lines(r) + ["", r["details"]]) if r["status"] == "fail" else ""
            notes = "".join(f"note: {n}\n" for n in r.get("notes", []))
            s.cases.append(junit.Case(classname, junit_names(r)[1], r["time"], r["status"], r["message"], text,
                                      kind="check failed",
                                      output=f"{r['id']}: {r.get('describe', '')}\nreplay: {r['replay']}\n{notes}"))
        suites.append(s)
    junit.write(path, "lpusim regress", suites)


def merge_coverage(out, results):
    """Every job's coverage file merged (lpusimtools.coverage, as scripts/coverage.py merge):
    OUT/coverage.json and OUT/coverage.txt. Returns the summary, or None without coverage."""
    paths = [f for r in results for f in r.get("coverage", [])]
    if not paths:
        return None
    doc = coverage.merge([coverage.load(f) for f in paths], [rj.shown(f) for f in paths])
    atomic_write(out / "coverage.json", coverage.dumps(doc))
    atomic_write(out / "coverage.txt", coverage.format_report(doc))
    return coverage.summary(doc)


def coverage_text(s, out):
    """The coverage part of the summary: closure per group, the bins never hit (the first
    MISSED_SHOWN; all of them in coverage.txt), and the bins no run can reach, with the reason."""
    lines = ["", f"functional coverage: {s['hit']} of {s['goal']} reachable bins hit ({s['percent']:.2f} %) over "
                 f"{s['runs']} runs; {rj.shown(out / 'coverage.json')}, report {rj.shown(out / 'coverage.txt')}",
             f"  {'group':<14} {'hit':>5} {'goal':>5} {'percent':>8}"]
    lines += [f"  {name:<14} {g['hit']:>5} {g['goal']:>5} {g['percent']:>7.2f}%" for name, g in s["groups"].items()]
    lines.append(f"  never hit: {len(s['missed'])}" + (":" if s["missed"] else ""))
    lines += [f"    {m['name']:<38} {m['description']}" for m in s["missed"][:MISSED_SHOWN]]
    if len(s["missed"]) > MISSED_SHOWN:
        lines.append(f"    ... and {len(s['missed']) - MISSED_SHOWN} more (coverage.txt)")
    lines.append(f"  unreachable, not counted: {len(s['excluded'])}" + (":" if s["excluded"] else ""))
    lines += [f"    {e['name']:<38} {e['reason']}" for e in s["excluded"]]
    if s["unreachable_hit"]:
        lines.append("  hit although listed unreachable (the coverage table's reason is wrong): " +
                     ", ".join(s["unreachable_hit"]))
    return "\n".join(lines) + "\n"


# ---- main -------------------------------------------------------------------------------------
def run_all(a, env, out, jobs, progress):
    """Runs the jobs; returns (results in job order, how the run stopped)."""
    from tqdm import tqdm
    results_path = out / "results.jsonl"
    total = None if (a.budget and not (a.seeds or a.seed_list or a.job)) else len(list(job_list(a)))
    bar = tqdm(total=total, unit="job", disable=not progress, dynamic_ncols=True, file=sys.stderr)
    started = time.monotonic()
    deadline = started + a.budget * 60 if a.budget else None
    results, stop_note, failed = {}, "", 0
    order = {}
    pending = {}
    with cf.ProcessPoolExecutor(max_workers=a.jobs) as pool:
        try:
            todo = iter(jobs)
            exhausted = False
            while True:
                while not exhausted and len(pending) < a.jobs:
                    if deadline and time.monotonic() >= deadline:
                        exhausted = True
                        stop_note = f"budget of {a.budget:g} min spent: launched no more jobs"
                        break
                    nxt = next(todo, None)
                    if nxt is None:
                        exhausted = True
                        break
                    order[rj.job_id(*nxt)] = len(order)
                    try:
                        pending[pool.submit(rj.run_job, env, *nxt)] = nxt
                    except BrokenProcessPool as e:  # a worker died (killed, out of memory)
                        exhausted, stop_note = True, f"the job processes broke ({e}): launched no more jobs"
                        results[rj.job_id(*nxt)] = crashed(nxt, e)
                        append_result(results_path, results[rj.job_id(*nxt)])
                if not pending:
                    break
                done, _ = cf.wait(list(pending), timeout=None if not deadline else max(0.1, deadline -
                                  time.monotonic()), return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    job = pending.pop(fut)
                    try:
                        r = fut.result()
                    except Exception as e:  # the job's process died, or regress.py failed outside the job
                        r = crashed(job, e)
                    results[r["id"]] = r
                    append_result(results_path, r)
                    if r["status"] == "fail":  # at once; the details follow in the summary
                        failed += 1
                        bar.write(f"FAILED {r['id']}: {r['message']}", file=sys.stderr)
                    bar.set_postfix(failed=failed)
                    bar.update(1)
        except KeyboardInterrupt:
            for fut in pending:
                fut.cancel()
            bar.close()
            raise
    bar.close()
    ordered = sorted(results.values(), key=lambda r: order[r["id"]])
    if deadline and stop_note:
        stop_note += f"; {len(ordered)} jobs ran" + seeds_done(a, ordered)
    return ordered, stop_note


def crashed(job, error):
    """The result of a job whose process did not return one."""
    kind, config, seed = job
    jid = rj.job_id(kind, config, seed)
    return {"id": jid, "kind": kind, "config": config, "label": rj.label_of(kind, config), "seed": seed,
            "status": "fail", "message": f"the job's process failed: {type(error).__name__}: {error}", "details": "",
            "time": 0.0, "params": {}, "describe": "", "coverage": [], "notes": [],
            "replay": shlex.join(rj.regress_replay({"build_dir_arg": None, "inject": None}, jid))}


def seeds_done(a, results):
    """', seeds 1..9 complete (10 in part)': which seeds a budget let every job of run."""
    per_seed = sum(k != "plan" and rj.applies(k, c) for k in a.kinds for c in a.configs)
    count = {}
    for r in results:
        if r["seed"] is not None:
            count[r["seed"]] = count.get(r["seed"], 0) + 1
    full = [s for s, n in count.items() if n == per_seed]
    part = sorted(s for s, n in count.items() if n < per_seed)
    text = f": seeds {min(full)}..{max(full)} complete" if full else ": no seed complete"
    return text + (f" ({', '.join(map(str, part))} in part)" if part else "")


def settle(a, exe):
    """The kinds and configs to run, and where lpusim collects coverage; usage errors."""
    cov = coverage_support(exe, a.coverage)
    with_coverage = any(cov.values())
    if a.kinds is None:
        a.kinds = list(rj.SEEDED_KINDS) + (["plan"] if with_coverage else [])
    if not with_coverage and ("plan" in a.kinds or any(k == "plan" for k, _, _ in a.job)):
        die("the plan kind runs the coverage plan: it needs coverage (an lpusim with --coverage, no --no-coverage)")
    if a.require_full_coverage and (not with_coverage or a.inject_fault):
        die("--require-full-coverage: no coverage is collected (--no-coverage, --inject-fault, or an lpusim "
            "without --coverage)")
    configs = list(dict.fromkeys(c for k, c, _ in a.job if k != "plan")) if a.job else a.configs
    check_configs(exe, configs)
    return cov, configs


def describe_seeds(a):
    if a.job:
        return ", ".join(sorted({str(s) for _, _, s in a.job if s is not None})) or "none"
    if a.seed_list:
        return " ".join(map(str, a.seed_list))
    if a.seeds or not a.budget:
        return f"{a.first_seed}..{a.first_seed + (a.seeds or DEFAULT_SEEDS) - 1}"
    return f"{a.first_seed}.."


def main():
    a = parse_args(sys.argv[1:])
    build_dir = (a.build_dir if a.build_dir.is_absolute() else ROOT / a.build_dir).resolve()
    exe = lpusim_binary(build_dir)
    cov, configs = settle(a, exe)
    if a.list:
        for n, (kind, config, seed) in enumerate(job_list(a)):
            if n == LIST_LIMIT:
                print(f"... (unbounded with --budget: the first {LIST_LIMIT} jobs shown)")
                break
            print(f"{rj.job_id(kind, config, seed)}  {rj.describe(kind, rj.plan(kind, config, seed))}")
        return EXIT_OK
    out = out_dir(a)
    out.mkdir(parents=True, exist_ok=True)
    env = {"exe": rj.shown(exe), "out": str(out), "timeout": a.timeout, "inject": a.inject_fault, "keep": a.keep,
           # An injected fault would hit bins (a schedule error's) that no real run did.
           "coverage": {} if a.inject_fault else cov,
           "build_dir_arg": None if build_dir == (ROOT / "build").resolve() else rj.shown(build_dir)}
    progress = sys.stderr.isatty() if a.progress is None else a.progress
    seeds = describe_seeds(a)
    kinds = list(dict.fromkeys(k for k, _, _ in a.job)) if a.job else a.kinds
    header = (f"regress: {rj.shown(exe)}, configs {' '.join(configs) or '-'}, kinds {' '.join(kinds)}, seeds "
              f"{seeds}, {a.jobs} in parallel" + (f", budget {a.budget:g} min" if a.budget else "") +
              (", coverage" if any(env["coverage"].values()) else ", no coverage") +
              (f", injected fault {a.inject_fault}" if a.inject_fault else "") + f"; output {rj.shown(out)}")
    print(header, flush=True)
    timestamp = datetime.datetime.now().replace(microsecond=0).isoformat()
    t0 = time.monotonic()
    interrupted = False
    try:
        results, stop_note = run_all(a, env, out, job_list(a), progress)
    except KeyboardInterrupt:
        interrupted = True
        results = [json.loads(line) for line in open(out / "results.jsonl")] if (out / "results.jsonl").exists() \
            else []
        stop_note = f"interrupted: {len(results)} jobs finished"
    wall = time.monotonic() - t0
    text = summary_text(results, wall, header, stop_note)
    props = {"lpusim": rj.shown(exe), "configs": " ".join(configs), "kinds": " ".join(kinds), "seeds": seeds,
             "inject_fault": a.inject_fault or ""}
    closure = None if interrupted else merge_coverage(out, results)
    if closure:
        text += coverage_text(closure, out)
        props["coverage"] = f"{closure['hit']} of {closure['goal']} bins ({closure['percent']:.2f} %)"
    failed = sum(r["status"] == "fail" for r in results)
    missed = len(closure["missed"]) if closure else 0
    verdict = (f"FAIL: {failed} of {len(results)} jobs failed" if failed else
               f"INTERRUPTED: {len(results)} jobs finished, all passed" if interrupted else
               f"FAIL: {missed} reachable coverage bins never hit (--require-full-coverage)"
               if a.require_full_coverage and missed else f"PASS: {len(results)} jobs")
    text += f"\nresults: {rj.shown(out / 'results.jsonl')}, JUnit: {rj.shown(a.junit or out / 'junit.xml')}\n{verdict}\n"
    atomic_write(out / "summary.txt", text)
    write_junit(a.junit or out / "junit.xml", results, timestamp, props)
    shutil_rmtree_quiet(out / ".work")
    print("\n" + text.split("\n", 1)[1], end="")  # the header was printed first
    if interrupted:
        raise KeyboardInterrupt
    return EXIT_CHECK if failed or (a.require_full_coverage and missed) else EXIT_OK


def shutil_rmtree_quiet(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main_guard(main)
