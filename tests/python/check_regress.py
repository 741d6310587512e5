#!/usr/bin/python3
"""Tests of scripts/regress.py, one case per CTest test.

    check_regress.py LPUSIM WORK CASE [REGRESS ARGS...]

CASE:
  default          a small regression (tiny, seeds 1..3, every kind) passes: exit 0, a result per
                   job, the summary's counts, JUnit XML valid for CI readers (checked below against
                   the rules Jenkins' and GitLab's readers apply) with a suite per kind and config
                   and a case per job; then two jobs replayed with --job give the same results.
  inject-cosim     --inject-fault corrupt-output on co-simulation jobs: exit 1, a JUnit failure
                   with the divergence and its replay command; running that command reproduces
                   the divergence (exit 1, same cycle); the waveform is windowed around it.
  inject-run       --inject-fault program-skew on compiled workloads: lpusim run stops with a
                   schedule error; the same checks, the chip's VCD windowed around the failing
                   cycle (lpusim run --wave-window).
  inject-reference --inject-fault reference-flip: an output differs from numpy by one element;
                   the replay (scripts/regress.py --job ...) fails the same way, and the waveform
                   covers the layer group that wrote the output (from the compile report).
  usage            bad flags exit 2 with a one-line error naming the flag; a bad config file exits 3.
  budget           --budget stops launching: exit 0, the report says so, and the jobs that ran are
                   the first ones of the deterministic order.
  run              REGRESS ARGS as given must pass with valid JUnit (the heavier regressions).
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REGRESS = os.path.join(ROOT, "scripts", "regress.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from lpusimtools import regress_jobs as rj  # noqa: E402


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def regress(build_dir, *args, expect=None):
    cmd = [REGRESS, "--build-dir", build_dir, "--no-progress", *map(str, args)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    print(f"$ {shlex.join(cmd)}  -> exit {p.returncode}")
    if expect is not None and p.returncode != expect:
        fail(f"exit {p.returncode}, expected {expect}\n{p.stdout}{p.stderr}")
    return p


def results(out):
    return [json.loads(line) for line in open(os.path.join(out, "results.jsonl"))]


# ---- JUnit --------------------------------------------------------------------------------------
def number(el, attr, kind=float):
    v = el.get(attr)
    if v is None:
        fail(f"<{el.tag} name='{el.get('name')}'> has no '{attr}'")
    try:
        x = kind(v)
    except ValueError:
        fail(f"<{el.tag}> {attr}='{v}' is not a number")
    if x < 0:
        fail(f"<{el.tag}> {attr}={v} is negative")
    return x


def check_junit(path, want_cases):
    """The XML Jenkins' JUnit plugin and GitLab read: <testsuites> of <testsuite name tests
    failures errors skipped time> of <testcase classname name time> holding at most one of
    <failure message>, <error>, <skipped>; counts that match the cases. Returns {classname:
    {name: (status, message, text)}}."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail(f"{path}: not well-formed XML: {e}")
    if root.tag != "testsuites":
        fail(f"{path}: root <{root.tag}>, expected <testsuites>")
    cases, totals = {}, [0, 0, 0]
    for suite in root:
        if suite.tag != "testsuite" or not suite.get("name"):
            fail(f"{path}: <{suite.tag}> under <testsuites>, or a suite without a name")
        tests, failures, errors, skipped = (int(number(suite, a, int)) for a in ("tests", "failures", "errors",
                                                                                  "skipped"))
        number(suite, "time")
        seen = [0, 0, 0]
        for tc in suite.iter("testcase"):
            if not tc.get("classname") or not tc.get("name"):
                fail(f"{path}: a testcase without classname or name in {suite.get('name')}")
            number(tc, "time")
            verdicts = [c for c in tc if c.tag in ("failure", "error", "skipped")]
            if len(verdicts) > 1:
                fail(f"{path}: {tc.get('name')} has {len(verdicts)} verdicts")
            status, message, text = "pass", "", ""
            if verdicts:
                v = verdicts[0]
                status = {"failure": "fail", "error": "error", "skipped": "skip"}[v.tag]
                message, text = v.get("message", ""), v.text or ""
                if v.tag == "failure" and (not message or not text):
                    fail(f"{path}: {tc.get('name')}: a failure without a message or text")
            seen[0] += 1
            seen[1] += status == "fail"
            seen[2] += status == "skip"
            key = tc.get("name")
            if key in cases.setdefault(tc.get("classname"), {}):
                fail(f"{path}: {tc.get('classname')} {key} twice")
            cases[tc.get("classname")][key] = (status, message, text)
        if [tests, failures, skipped] != seen or errors != 0:
            fail(f"{path}: suite {suite.get('name')} says tests={tests} failures={failures} skipped={skipped} "
                 f"errors={errors}; its cases: {seen[0]} tests, {seen[1]} failures, {seen[2]} skipped")
        totals = [t + s for t, s in zip(totals, seen)]
    if [number(root, a, int) for a in ("tests", "failures", "skipped")] != totals:
        fail(f"{path}: <testsuites> totals differ from its suites' ({totals})")
    got = {(c, n) for c, names in cases.items() for n in names}
    if got != want_cases:
        fail(f"{path}: cases {sorted(got)}, expected {sorted(want_cases)}")
    return cases


def junit_key(r):
    if r["kind"] == "plan":
        return "regress.plan", r["config"]
    return f"regress.{r['kind']}.{r['label']}", f"seed-{r['seed']}"


def check_coverage(out, rs, stdout):
    """Every job left its coverage file; the merge is their bin-by-bin sum (summed here from the
    files); every reachable bin is hit (the plan's runs are in the default regression); the
    summary says so."""
    files = [os.path.join(ROOT, f) if not os.path.isabs(f) else f for r in rs for f in r["coverage"]]
    if len(files) != len(rs) or not all(os.path.isfile(f) for f in files):
        fail(f"{len(files)} coverage files for {len(rs)} jobs, or some missing")
    sums, unreachable = {}, set()
    for f in files:
        for b in json.load(open(f))["bins"]:
            sums[b["name"]] = sums.get(b["name"], 0) + b["hits"]
            if "unreachable" in b:
                unreachable.add(b["name"])
    merged = json.load(open(os.path.join(out, "coverage.json")))
    got = {b["name"]: b["hits"] for b in merged["bins"]}
    if got != sums or merged["runs"] != len(files):
        fail(f"coverage.json is not the sum of the jobs' files ({len(got)} vs {len(sums)} bins, runs {merged['runs']})")
    missed = [n for n, h in sums.items() if not h and n not in unreachable]
    if missed:
        fail(f"bins never hit by the default regression: {missed}")
    goal = len(sums) - len(unreachable)
    if (f"functional coverage: {goal} of {goal} reachable bins hit (100.00 %) over {len(files)} runs" not in stdout
            or f"unreachable, not counted: {len(unreachable)}:" not in stdout):
        fail(f"the summary does not report {goal} of {goal} bins:\n{stdout}")
    print(f"ok: coverage {goal} of {goal} reachable bins, {len(unreachable)} unreachable, summed over {len(files)} files")


# ---- cases --------------------------------------------------------------------------------------
def case_default(build, work):
    out = os.path.join(work, "out")
    p = regress(build, "--configs", "tiny", "--seeds", 3, "--out", out, "--junit", os.path.join(work, "j.xml"),
                "--require-full-coverage", expect=0)
    rs = results(out)
    plan = list(rj.plan_runs())
    want = [(k, "tiny", s) for s in (1, 2, 3) for k in rj.SEEDED_KINDS] + [("plan", n, None) for n in plan]
    if sorted(map(str, ((r["kind"], r["config"], r["seed"]) for r in rs))) != sorted(map(str, want)):
        fail(f"results.jsonl has {[r['id'] for r in rs]}, expected {want}")
    if any(r["status"] != "pass" for r in rs):
        fail(f"not every job passed: {[(r['id'], r['message']) for r in rs if r['status'] != 'pass']}")
    for r in rs:  # each job did check something
        P = r["params"]
        if r["kind"] == "cosim" and (P["stimulus"] != rj.STIMULI[r["seed"] % 7] or not P.get("beats")):
            fail(f"{r['id']}: stimulus {P['stimulus']}, {P.get('beats')} beats checked")
        if r["kind"].startswith("workload") and not P["predicted"] == P["simulated"] > 0:
            fail(f"{r['id']}: predicted {P['predicted']}, simulated {P['simulated']}")
        if r["kind"] == "workload-cosim" and not P.get("beats"):
            fail(f"{r['id']}: the co-simulation checked no result beat")
    rows = [(k, "tiny", 3) for k in rj.SEEDED_KINDS] + [("plan", "plan.yaml", len(plan)), ("all", "", len(want))]
    for kind, label, n in rows:
        if not re.search(rf"^{kind} +{label} +{n} +{n} +0 +0 ", p.stdout, re.M):
            fail(f"the summary has no '{kind} {label} {n} {n} 0 0' row:\n{p.stdout}")
    if f"PASS: {len(want)} jobs" not in p.stdout:
        fail(f"no 'PASS: {len(want)} jobs':\n{p.stdout}")
    check_coverage(out, rs, p.stdout)
    cases = check_junit(os.path.join(work, "j.xml"), {junit_key(r) for r in rs})
    if any(v[0] != "pass" for names in cases.values() for v in names.values()):
        fail("a JUnit case is not a pass")
    if os.path.exists(os.path.join(out, ".work")) or os.path.exists(os.path.join(out, "failures")):
        fail("a passing regression left .work/ or failures/ behind")
    # Replays: the same job, the same draws and results.
    again = os.path.join(work, "again")
    regress(build, "--job", "workload:tiny:2", "--job", "system:tiny:3", "--job", "cosim:tiny:1", "--job",
            f"plan:{plan[0]}", "--out", again, expect=0)
    first = {r["id"]: r for r in rs}
    for r in results(again):
        a = {k: v for k, v in first[r["id"]]["params"].items()}
        if r["params"] != a:
            fail(f"{r['id']} replayed with --job: {r['params']}, the regression had {a}")
    print(f"ok: {len(want)} jobs passed, JUnit valid, 4 replays identical")


def waves_of(r):
    w = r.get("wave") or fail(f"{r['id']}: no waveform reported")
    if not w["window"] or not w["files"]:
        fail(f"{r['id']}: waveform {w}: no window or no file")
    return w


def replay_reproduces(r, cases, pattern):
    """The replay command in the JUnit failure text runs from the repository root and fails the
    same way (exit 1, `pattern` with the same text)."""
    status, message, text = cases[junit_key(r)[0]][junit_key(r)[1]]
    if status != "fail" or message != r["message"]:
        fail(f"{r['id']}: JUnit says {status} '{message}', the results '{r['message']}'")
    m = re.search(r"^  replay: (.*)$", text, re.M) or fail(f"{r['id']}: no replay line in the JUnit failure:\n{text}")
    if m.group(1) != r["replay"]:
        fail(f"{r['id']}: JUnit replay '{m.group(1)}', results.jsonl '{r['replay']}'")
    p = subprocess.run(shlex.split(m.group(1)), cwd=ROOT, capture_output=True, text=True)
    want = re.search(pattern, r["message"]).group(0)
    if p.returncode != 1 or want not in p.stdout + p.stderr:
        fail(f"{r['id']}: the replay exited {p.returncode} without '{want}'\n$ {m.group(1)}\n{p.stdout}{p.stderr}")
    print(f"ok: {r['id']}: the replay reproduces '{want}'")
    return p


def vcd_times(text):
    return [int(t[1:]) for t in re.findall(r"^#\d+", text, re.M)]


def period_ps(build, config):
    p = subprocess.run([os.path.join(build, "lpusim"), "config", config], capture_output=True, text=True)
    mhz = float(re.search(r"^\s*clock_mhz: ([0-9.]+)", p.stdout, re.M).group(1))
    return round(1e6 / mhz)


def check_window(path, frm, to, period, cycle=None, starts_at_from=True):
    """A waveform's dump starts at cycle FROM (or later: an MXM plane's FST opens with its first
    cycle in the window) and ends by TO + 1 (an FST converted to VCD first)."""
    if path.endswith(".fst"):
        if not shutil.which("fst2vcd"):
            print("note: no fst2vcd (gtkwave): the FST's window is not checked")
            return
        text = subprocess.run(["fst2vcd", path], capture_output=True, text=True).stdout
    else:
        text = open(path).read()
    times = vcd_times(text)
    start_ok = times and (times[0] == frm * period if starts_at_from else times[0] >= frm * period)
    if not start_ok or times[-1] > (to + 1) * period or times[-1] <= frm * period:
        fail(f"{path}: times {times[:1]}..{times[-1:]}, expected from {frm * period} to at most {(to + 1) * period}")
    if cycle is not None and not frm <= cycle <= to:
        fail(f"the window {frm}..{to} does not hold the failing cycle {cycle}")
    print(f"ok: {os.path.relpath(path, ROOT)} dumps cycles {frm}.. (times {times[0]}..{times[-1]} ps)")


def injected(build, work, kinds, seeds, fault):
    out = os.path.join(work, "out")
    p = regress(build, "--kinds", *kinds, "--seed-list", *seeds, "--inject-fault", fault, "--out", out, "--junit",
                os.path.join(work, "j.xml"), expect=1)
    rs = results(out)
    if len(rs) != len(kinds) * len(seeds) or any(r["status"] != "fail" for r in rs):
        fail(f"expected every job to fail: {[(r['id'], r['status']) for r in rs]}")
    if f"FAIL: {len(rs)} of {len(rs)} jobs failed" not in p.stdout:
        fail(f"no FAIL verdict:\n{p.stdout}")
    cases = check_junit(os.path.join(work, "j.xml"), {junit_key(r) for r in rs})
    for r in rs:
        d = os.path.join(ROOT, r["artifacts"])
        for f in ("replay.txt", "output.txt"):
            if not os.path.isfile(os.path.join(d, f)):
                fail(f"{r['id']}: no {f} in {d}")
        if r["replay"] not in open(os.path.join(d, "replay.txt")).read():
            fail(f"{r['id']}: replay.txt does not hold the replay command")
    if os.listdir(os.path.join(out, ".work")) if os.path.exists(os.path.join(out, ".work")) else False:
        fail("jobs' working directories were left in .work/")
    return rs, cases


def case_inject_cosim(build, work):
    rs, cases = injected(build, work, ["cosim"], [2, 5], "corrupt-output")
    period = period_ps(build, os.path.join(ROOT, "configs", "tiny.yaml"))
    for r in rs:
        if not r["message"].startswith("first divergence at cycle") or "--inject corrupt-output:" not in r["replay"]:
            fail(f"{r['id']}: message '{r['message']}', replay '{r['replay']}'")
        if not r.get("reproduced"):
            fail(f"{r['id']}: regress.py says its replay did not reproduce the failure")
        cycle = int(re.search(r"cycle (\d+)", r["message"]).group(1))
        w = waves_of(r)
        if f"--wave-window {w['window'][0]}:{w['window'][1]}" not in r["replay"]:
            fail(f"{r['id']}: the replay does not dump the window {w['window']}")
        replay_reproduces(r, cases, r"first divergence at cycle \d+ on port '\w+', superlane \d+")
        check_window(os.path.join(ROOT, w["files"][0]), *w["window"], period, cycle)


def case_inject_run(build, work):
    rs, cases = injected(build, work, ["workload", "workload-cosim"], [2], "program-skew")
    period = period_ps(build, os.path.join(ROOT, "configs", "tiny.yaml"))
    for r in rs:
        m = re.search(r"schedule error at cycle (\d+)", r["message"]) or fail(f"{r['id']}: '{r['message']}'")
        w = waves_of(r)
        if not r.get("reproduced") or "--wave-window" not in r["replay"]:
            fail(f"{r['id']}: reproduced {r.get('reproduced')}, replay '{r['replay']}'")
        replay_reproduces(r, cases, r"schedule error at cycle \d+: [\w.]+: '[^']*'")
        vcd = [f for f in w["files"] if f.endswith("chip.vcd")] or fail(f"{r['id']}: no chip.vcd in {w['files']}")
        check_window(os.path.join(ROOT, vcd[0]), *w["window"], period, int(m.group(1)))
        if r["kind"] == "workload-cosim":
            fsts = [f for f in w["files"] if f.endswith(".fst")] or fail(f"{r['id']}: no plane FST in {w['files']}")
            for f in fsts:
                check_window(os.path.join(ROOT, f), *w["window"], period, starts_at_from=False)


def case_inject_reference(build, work):
    rs, cases = injected(build, work, ["workload"], [3], "reference-flip")
    r = rs[0]
    m = re.search(r"^output (\w+) .*: 1 of \d+ elements differ; first at \[[\d, ]+\]", r["message"]) or \
        fail(f"{r['id']}: '{r['message']}'")
    if not r["params"].get("flipped", "").startswith(f"{m.group(1)}.npy "):
        fail(f"{r['id']}: the failure names output {m.group(1)}, the fault flipped {r['params'].get('flipped')}")
    build_arg = "" if os.path.realpath(build) == os.path.realpath(os.path.join(ROOT, "build")) else \
        f" --build-dir {rj.shown(build)}"
    if r["replay"] != f"scripts/regress.py --job {r['id']}{build_arg} --inject-fault reference-flip":
        fail(f"{r['id']}: replay '{r['replay']}'")
    replay_reproduces(r, cases, r"^output \w+ .*: 1 of \d+ elements differ; first at \[[\d, ]+\]")
    # The waves cover the layer group that wrote the output (the compile report's cycles).
    report = json.load(open(os.path.join(ROOT, r["artifacts"], "report.json")))
    w = waves_of(r)
    spans = [(g["first_cycle"], g["last_cycle"]) for g in report["layers"]]
    if not any(w["window"][0] <= a and b <= w["window"][1] for a, b in spans):
        fail(f"{r['id']}: the window {w['window']} covers no layer group of {spans}")
    period = period_ps(build, os.path.join(ROOT, "configs", "tiny.yaml"))
    check_window(os.path.join(ROOT, w["files"][0]), *w["window"], period)


def case_usage(build, work):
    bad_cfg = os.path.join(work, "bad.yaml")
    os.makedirs(work, exist_ok=True)
    open(bad_cfg, "w").write("chip:\n  geometry: {superlanes: -3}\n")
    full = os.path.join(work, "full")
    os.makedirs(full, exist_ok=True)
    open(os.path.join(full, "x"), "w").write("x")
    cases = [
        (["--kinds", "bogus"], 2, r"--kinds: unknown kind 'bogus'"),
        (["--seeds", "0"], 2, r"argument --seeds: expected a positive integer, got 0"),
        (["--seeds", "3", "--seed-list", "4"], 2, r"argument --seed-list: not allowed with argument --seeds"),
        (["--seed-list", "x"], 2, r"argument --seed-list: expected a non-negative integer seed, got 'x'"),
        (["--configs", "nonexistent"], 2, r"--configs: 'nonexistent' is neither a config under configs/ \(small, "),
        (["--job", "cosim:tiny"], 2, r"--job: expected KIND:CONFIG:SEED, got 'cosim:tiny'"),
        (["--job", "cosim:tiny:1", "--seeds", "2"], 2, r"--job names its kind, config and seed"),
        (["--budget", "-1"], 2, r"argument --budget: -1 is not a positive number of minutes"),
        (["--jobs", "0"], 2, r"argument --jobs: expected a positive integer, got 0"),
        (["--inject-fault", "bogus"], 2, r"argument --inject-fault: invalid choice: 'bogus'"),
        (["--frobnicate"], 2, r"unrecognized arguments: --frobnicate"),
        (["--out", full], 2, r"--out: .* exists and is not an empty directory"),
        (["--build-dir", "/nonexistent"], 2, r"/nonexistent/lpusim: no lpusim binary"),
        (["--configs", bad_cfg], 3, r"bad.yaml.*superlanes"),
        (["--kinds", "plan", "--no-coverage"], 2, r"the plan kind runs the coverage plan: it needs coverage"),
        (["--require-full-coverage", "--inject-fault", "corrupt-output"], 2, r"--require-full-coverage: no coverage"),
        (["--job", "plan:nonexistent"], 2, r"--job: tests/data/coverage/plan.yaml has no run 'nonexistent'"),
    ]
    for args, code, pattern in cases:
        p = subprocess.run([REGRESS, "--build-dir", build, *args] if "--build-dir" not in args else [REGRESS, *args],
                           cwd=ROOT, capture_output=True, text=True)
        lines = p.stderr.strip().splitlines()
        if p.returncode != code or len(lines) != 1 or not re.search(pattern, lines[0]) or p.stdout:
            fail(f"regress.py {shlex.join(args)}: exit {p.returncode}, expected {code} and one line matching "
                 f"'{pattern}'\nstdout: {p.stdout}\nstderr: {p.stderr}")
        print(f"ok: {shlex.join(args)} -> exit {code}: {lines[0]}")
    # --list: the jobs and their draws, the same twice, the coverage plan's runs first.
    lists = [regress(build, "--list", "--seeds", 2, "--configs", "tiny", "small", expect=0).stdout for _ in range(2)]
    ids = [line.split()[0] for line in lists[0].splitlines()]
    want = [f"plan:{n}" for n in rj.plan_runs()] + [rj.job_id(k, c, s) for s in (1, 2) for c in ("tiny", "small")
                                                    for k in rj.SEEDED_KINDS if rj.applies(k, c)]
    if lists[0] != lists[1] or ids != want:
        fail(f"--list: {ids}, expected {want} (and the same twice)")
    # --require-full-coverage fails a regression that misses bins (one co-simulation misses most).
    out = os.path.join(work, "partial")
    p = regress(build, "--kinds", "cosim", "--seeds", 1, "--require-full-coverage", "--out", out, expect=1)
    if not re.search(r"^FAIL: \d+ reachable coverage bins never hit \(--require-full-coverage\)$", p.stdout, re.M):
        fail(f"--require-full-coverage: no FAIL line\n{p.stdout}")
    p = subprocess.run([REGRESS, "--help"], cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0 or "--budget MINUTES" not in p.stdout or "scripts/regress.py --job" not in p.stdout:
        fail(f"--help: exit {p.returncode}\n{p.stdout}")


def case_budget(build, work):
    out = os.path.join(work, "out")
    budget_min = 0.05
    t0 = time.monotonic()
    p = regress(build, "--kinds", "cosim", "workload", "--budget", budget_min, "--jobs", 2, "--out", out,
                "--junit", os.path.join(work, "j.xml"), expect=0)
    wall = time.monotonic() - t0
    m = re.search(r"budget of 0.05 min spent: launched no more jobs; (\d+) jobs ran: seeds 1\.\.(\d+) complete",
                  p.stdout) or fail(f"no budget line:\n{p.stdout}")
    rs = results(out)
    n = len(rs)
    if int(m.group(1)) != n or n < 4:
        fail(f"the report says {m.group(1)} jobs ran, results.jsonl has {n} (at least 4 expected in 3 s)")
    # Launched in order, every launched job finished: the results are the order's first n jobs.
    order = [rj.job_id(k, "tiny", s) for s in range(1, n + 1) for k in ("cosim", "workload")][:n]
    if sorted(r["id"] for r in rs) != sorted(order):
        fail(f"the jobs that ran are not the first {n} of the order: {sorted(r['id'] for r in rs)}")
    if wall > budget_min * 60 + 60:
        fail(f"took {wall:.1f} s for a budget of {budget_min * 60:.0f} s")
    check_junit(os.path.join(work, "j.xml"), {junit_key(r) for r in rs})
    print(f"ok: budget {budget_min * 60:.0f} s: {n} jobs in {wall:.1f} s, the first {n} of the order")


def case_run(build, work, args):
    out = os.path.join(work, "out")
    p = regress(build, *args, "--out", out, "--junit", os.path.join(work, "j.xml"))
    print(p.stdout[-4000:])
    if p.returncode != 0:
        fail(f"exit {p.returncode}\n{p.stderr}")
    rs = results(out)
    check_junit(os.path.join(work, "j.xml"), {junit_key(r) for r in rs})
    print(f"ok: {len(rs)} jobs, JUnit valid")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    lpusim, work, case = sys.argv[1:4]
    build = os.path.dirname(os.path.abspath(lpusim))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cases = {"default": case_default, "inject-cosim": case_inject_cosim, "inject-run": case_inject_run,
             "inject-reference": case_inject_reference, "usage": case_usage, "budget": case_budget}
    if case == "run":
        case_run(build, work, sys.argv[4:])
    elif case in cases:
        cases[case](build, work)
    else:
        sys.exit(f"unknown case '{case}'")
    print("PASS")


if __name__ == "__main__":
    main()
