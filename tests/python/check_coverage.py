#!/usr/bin/python3
"""Functional coverage files (docs/coverage.md) from the command line: determinism, merging,
reporting and bad input.

  check_coverage.py LPUSIM WORKDIR [--mpirun MPIRUN] [--part determinism|merge|docs|all] [--update-docs]

determinism: the same run gives byte-identical coverage files: `cosim mxm` twice; `run` of a chip
  twice, and with and without --cosim mxm; a 4-chip system (examples/system/gen_system.py) on 1 and 3 threads and, with --mpirun,
  over 2 and 3 ranks; a system run that stops on a schedule error likewise, recording its rule.
merge: scripts/coverage.py merge against sums computed here from the files themselves; refusal of
  files of another table, of non-coverage files and of missing files (exit 3, naming the file);
  report --require-full (exit 1 with a bin missed, 0 when every reachable bin is hit); a merge of
  one file is that file; run --coverage to an unwritable path fails before the run (exit 3).
docs: docs/coverage.md's bin section is `scripts/coverage.py table` of the table (--update-docs
  rewrites it).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = [sys.executable, os.path.join(ROOT, "scripts", "coverage.py")]
TINY = os.path.join(ROOT, "configs", "tiny.yaml")
SYSDATA = os.path.join(ROOT, "tests", "data", "systems")
COVDATA = os.path.join(ROOT, "tests", "data", "coverage")


def fail(msg):
    sys.exit(f"FAIL {msg}")


def run(cmd, expect=0, cwd=None):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd, timeout=600)
    if p.returncode != expect:
        fail(f"exit {p.returncode}, expected {expect}\n$ {' '.join(map(str, cmd))}\n{p.stdout}{p.stderr}")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def same(paths, what):
    first = read(paths[0])
    for p in paths[1:]:
        if read(p) != first:
            fail(f"{what}: {p} differs from {paths[0]}")
    print(f"{what}: {len(paths)} files byte-identical")
    return json.loads(first)


def hits(doc):
    return {b["name"]: b["hits"] for b in doc["bins"]}


def determinism(lpusim, work, mpirun):
    d = os.path.join(work, "determinism")
    os.makedirs(d)
    # cosim mxm and run of one chip, each twice.
    for k in ("a", "b"):
        run([lpusim, "cosim", "mxm", "--config", TINY, "--seed", "3", "--ops", "3000", "--coverage", f"{d}/cosim-{k}.json"])
        run([lpusim, "run", "--config", TINY, "--program", f"{COVDATA}/mxm_f16.s", "--coverage", f"{d}/run-{k}.json"])
    same([f"{d}/cosim-a.json", f"{d}/cosim-b.json"], "cosim mxm twice")
    same([f"{d}/run-a.json", f"{d}/run-b.json"], "run twice")
    # The co-simulation watching the same planes changes nothing the collector sees.
    gemm = ["run", "--config", TINY, "--program", f"{ROOT}/examples/gemm/gemm_tiny.s"]
    run([lpusim] + gemm + ["--coverage", f"{d}/gemm.json"])
    run([lpusim] + gemm + ["--cosim", "mxm", "--coverage", f"{d}/gemm-cosim.json"])
    same([f"{d}/gemm.json", f"{d}/gemm-cosim.json"], "run with and without --cosim mxm")
    # A 4-chip pipeline over threads and ranks.
    sysdir = os.path.join(d, "pipe4")
    run([sys.executable, f"{ROOT}/examples/system/gen_system.py", "pipeline", "--chips", "4", "--batches", "4",
         "--out", sysdir])
    loads = []
    for f in sorted(os.listdir(f"{sysdir}/inputs")):
        chip, name = f[:-4].split(".", 1)
        loads += ["--load", f"{chip}:{name}={sysdir}/inputs/{f}"]
    base = ["run", "--system", f"{sysdir}/system.yaml", "--programs", f"{sysdir}/programs"] + loads
    failing = ["run", "--system", f"{SYSDATA}/pair-tiny.yaml", "--programs", f"{COVDATA}/sys-link-busy"]
    launchers = [("threads-1", [], ["--threads", "1"]), ("threads-3", [], ["--threads", "3"])]
    if mpirun:
        for n in (2, 3):
            launchers.append((f"ranks-{n}", [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", str(n)], []))
    for what, args, expect in (("system", base, 0), ("failing system", failing, 1)):
        outs = []
        for label, pre, extra in launchers:
            out = f"{d}/{what.replace(' ', '-')}-{label}.json"
            run(pre + [lpusim] + args + extra + ["--coverage", out], expect=expect)
            outs.append(out)
        doc = same(outs, f"{what} over {', '.join(l for l, _, _ in launchers)}")
        h = hits(doc)
        if what == "system":
            if h["isa.op.Send"] == 0 or h["isa.op.Receive"] == 0 or h["mxm.acc.i8.set"] == 0:
                fail("the pipeline's coverage misses its Sends, Receives or ACCs")
            if doc["sources"] != [f"run --system {sysdir}/system.yaml"]:
                fail(f"sources: {doc['sources']}")
        else:
            errors = {n: v for n, v in h.items() if n.startswith("error.") and v}
            if errors != {"error.c2c.link_busy": 1}:
                fail(f"the failing system run recorded {errors}, expected error.c2c.link_busy once")


def merge_checks(lpusim, work):
    d = os.path.join(work, "merge")
    os.makedirs(d)
    a, b, c = f"{d}/a.json", f"{d}/b.json", f"{d}/c.json"
    run([lpusim, "cosim", "mxm", "--config", TINY, "--stimulus", "min-neg", "--ops", "2000", "--coverage", a])
    run([lpusim, "run", "--config", f"{ROOT}/configs/small.yaml", "--program", f"{COVDATA}/err_mxm_torn_weights.s",
         "--coverage", b], expect=1)
    run([lpusim, "run", "--config", TINY, "--program", f"{ROOT}/examples/gemm/gemm_tiny.s", "--coverage", c])
    docs = [json.loads(read(p)) for p in (a, b, c)]
    merged = f"{d}/merged.json"
    report = f"{d}/report.txt"
    p = run(SCRIPT + ["merge", a, b, c, "-o", merged, "--report", report])
    m = json.loads(read(merged))
    # The sums, from the inputs: tiny's 4 slots and small's 16 give small's 16 slot bins.
    want = {}
    for doc in docs:
        for name, n in hits(doc).items():
            want[name] = want.get(name, 0) + n
    if hits(m) != want:
        diff = {k: (hits(m).get(k), want.get(k)) for k in set(want) | set(hits(m)) if hits(m).get(k) != want.get(k)}
        fail(f"merged hits differ from the sums: {sorted(diff.items())[:5]}")
    if m["runs"] != 3 or len(m["sources"]) != 3:
        fail(f"merged runs {m['runs']}, sources {m['sources']}")
    if "mxm.slot.15.add" not in want or hits(docs[0]).get("mxm.slot.15.add") is not None:
        fail("small's slot 15 should be in the merge and not in tiny's file")
    if want["error.mxm.torn_weights"] != 1:
        fail("the failing run's rule was not recorded")
    if read(report).decode() != p.stdout:
        fail("--report's file differs from the printed report")
    if "never hit (" not in p.stdout or "error.mxm.issue_order" not in p.stdout:
        fail(f"the report lacks its sections:\n{p.stdout}")
    # A merge of one file is that file, byte for byte.
    run(SCRIPT + ["merge", a, "-o", f"{d}/one.json"])
    if read(f"{d}/one.json") != read(a):
        fail("a merge of one file differs from it")
    # --require-full: missed bins exit 1; the JSON summary agrees with the file.
    run(SCRIPT + ["report", merged, "--require-full"], expect=1)
    s = json.loads(run(SCRIPT + ["report", merged, "--json"]).stdout)
    reachable = [x for x in m["bins"] if "unreachable" not in x]
    if s["goal"] != len(reachable) or s["hit"] != sum(1 for x in reachable if x["hits"]):
        fail(f"summary goal/hit {s['goal']}/{s['hit']} disagree with the file")
    if len(s["missed"]) != s["goal"] - s["hit"]:
        fail("summary: missed bins do not add up")
    # Every reachable bin hit (hits set by hand): --require-full passes, unreachable ones excluded.
    full = dict(m, bins=[dict(x, hits=x["hits"] or (0 if "unreachable" in x else 1)) for x in m["bins"]])
    with open(f"{d}/full.json", "w") as f:
        json.dump(full, f)
    run(SCRIPT + ["report", f"{d}/full.json", "--require-full"])
    # Refusals: another table, not a coverage file, no file; one line naming the file, exit 3.
    other = json.loads(read(c))
    other["table_hash"] = "fnv1a64:0000000000000000"
    with open(f"{d}/other.json", "w") as f:
        json.dump(other, f)
    e = run(SCRIPT + ["merge", a, f"{d}/other.json", "-o", f"{d}/x.json"], expect=3).stderr
    if "other.json: table_hash fnv1a64:0000000000000000 differs" not in e or os.path.exists(f"{d}/x.json"):
        fail(f"a file of another table was not refused, or an output was written: {e}")
    with open(f"{d}/stats.json", "w") as f:
        f.write('{"cycles": 3}')
    e = run(SCRIPT + ["report", f"{d}/stats.json"], expect=3).stderr
    if "stats.json: format: expected 'lpusim-coverage'" not in e:
        fail(f"a non-coverage file was not refused: {e}")
    e = run(SCRIPT + ["merge", f"{d}/none.json", "-o", f"{d}/x.json"], expect=3).stderr
    if "none.json: cannot read" not in e or "Traceback" in e:
        fail(f"a missing file: {e}")
    run(SCRIPT + ["merge", a], expect=2)
    # --coverage to a directory that does not exist: refused before the run.
    q = run([lpusim, "run", "--config", TINY, "--program", f"{ROOT}/examples/gemm/gemm_tiny.s", "--coverage",
             f"{d}/no/such/dir/c.json"], expect=3)
    if "c.json" not in q.stderr or "ran " in q.stdout:
        fail(f"an unwritable --coverage was not refused before the run: {q.stdout}{q.stderr}")
    # Plans: a bad one is refused naming the file and the run; a run that does not stop as it
    # says fails the plan (exit 1) with the reason.
    with open(f"{d}/bad-plan.yaml", "w") as f:
        f.write("version: 1\nruns:\n  - name: x\n    steps: [[lpusim, run]]\n    expect: 1\n")
    e = run(SCRIPT + ["plan", f"{d}/bad-plan.yaml", "--build-dir", os.path.dirname(lpusim)], expect=3).stderr
    if "bad-plan.yaml: runs[0]: unknown key(s) ['expect']" not in e:
        fail(f"a bad plan: {e}")
    with open(f"{d}/wrong-plan.yaml", "w") as f:
        f.write("version: 1\nruns:\n  - name: wrong\n    steps:\n      - [lpusim, run, --config, '{root}/configs/"
                "tiny.yaml', --program, '{root}/tests/data/coverage/err_mxm_no_product.s', --coverage, '{coverage}']\n"
                "    expect_exit: 1\n    expect_error: mxm.torn_weights\n")
    q = run(SCRIPT + ["plan", f"{d}/wrong-plan.yaml", "--build-dir", os.path.dirname(lpusim), "--work",
                      f"{d}/plan-work"], expect=1)
    if "wrong: the run did not stop on mxm.torn_weights (recorded: ['error.mxm.no_product'])" not in q.stderr:
        fail(f"a plan run stopping on the wrong rule: {q.stdout}{q.stderr}")
    print("merge, report, plans and refusals: ok")


DOC = os.path.join(ROOT, "docs", "coverage.md")
BEGIN = "<!-- bins: generated by scripts/coverage.py table on a tiny file; do not edit by hand -->\n"
END = "<!-- end bins -->\n"


def docs_table(lpusim, work, update):
    """docs/coverage.md's bin section is `coverage.py table` of a tiny file (rewritten with --update-docs)."""
    f = os.path.join(work, "tiny.json")
    run([lpusim, "cosim", "mxm", "--config", TINY, "--ops", "10", "--model-only", "--coverage", f])
    table = run(SCRIPT + ["table", f]).stdout
    with open(DOC) as d:
        text = d.read()
    if BEGIN not in text or END not in text:
        fail(f"{DOC}: the markers of the generated bin section are missing")
    head, rest = text.split(BEGIN, 1)
    old, tail = rest.split(END, 1)
    if update:
        with open(DOC, "w") as d:
            d.write(head + BEGIN + table + END + tail)
        print(f"{DOC}: bin section rewritten")
    elif old != table:
        fail(f"{DOC}: the bin section differs from `scripts/coverage.py table` of the table; regenerate: "
             f"{sys.argv[0]} LPUSIM WORKDIR --part docs --update-docs")
    else:
        print("docs/coverage.md: the bin section is the table's")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lpusim")
    ap.add_argument("workdir")
    ap.add_argument("--mpirun", default="", help="mpirun, to check the system runs over ranks too")
    ap.add_argument("--part", choices=("determinism", "merge", "docs", "all"), default="all")
    ap.add_argument("--update-docs", action="store_true", help="rewrite docs/coverage.md's bin section")
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    if a.part in ("determinism", "all"):
        determinism(os.path.abspath(a.lpusim), a.workdir, a.mpirun)
    if a.part in ("merge", "all"):
        merge_checks(os.path.abspath(a.lpusim), a.workdir)
    if a.part in ("docs", "all"):
        docs_table(os.path.abspath(a.lpusim), a.workdir, a.update_docs)
    print("PASS")


if __name__ == "__main__":
    main()
