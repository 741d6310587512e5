#!/usr/bin/python3
"""Compiled schedules pinned: `lpusim compile --report` against checked-in golden files.

    check_golden.py LPUSIM [--case WORKLOAD@CONFIG] [--update]

For each case of tests/golden/compile/cases.txt (or the one named), compiles the workload for
the config and compares the report JSON (predicted cycles, instructions, MACs, utilisation,
SRAM, per-layer spans) with tests/golden/compile/WORKLOAD@CONFIG.json, and the emitted
program's SHA-256 with WORKLOAD@CONFIG.s.sha256, so a change that loses cycles (or silently
changes a schedule) fails even when its prediction still matches the run. --update rewrites
the golden files from this build: use it only for an intended change, and say why in the commit.
Exit 0 when every case matches, 1 with a unified diff otherwise.
"""
import argparse
import difflib
import hashlib
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "compile"


def cases():
    for line in (GOLDEN / "cases.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            workload, config = line.split()
            # Paths stay relative to the source tree (compile runs there): the program's header
            # names its workload, and the hash must not depend on where the tree is checked out.
            # A config is a name in configs/ or a .yaml path (a test's own config).
            path = config if config.endswith(".yaml") else f"configs/{config}.yaml"
            name = pathlib.Path(config).name.removesuffix(".yaml")
            yield f"{pathlib.Path(workload).stem}@{name}", workload, path


def compile_case(lpusim, workload, config, work):
    prog, report = work / "prog.s", work / "report.json"
    r = subprocess.run([str(pathlib.Path(lpusim).resolve()), "compile", "--config", config, "--workload", workload,
                        "-o", str(prog), "--report", str(report)], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        return None, None, f"lpusim compile exited {r.returncode}:\n{r.stdout}{r.stderr}"
    return report.read_text(), hashlib.sha256(prog.read_bytes()).hexdigest() + "\n", None


def check(name, want_path, got):
    want = want_path.read_text() if want_path.exists() else ""
    if want == got:
        return True
    sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                               f"golden/{want_path.name}", f"{name} (this build)"))
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lpusim")
    ap.add_argument("--case", help="one case, WORKLOAD@CONFIG (default: all of cases.txt)")
    ap.add_argument("--update", action="store_true", help="rewrite the golden files from this build")
    a = ap.parse_args()
    todo = [c for c in cases() if a.case in (None, c[0])]
    if not todo:
        sys.exit(f"no case {a.case} in {GOLDEN / 'cases.txt'}")
    failed = []
    for name, workload, config in todo:
        with tempfile.TemporaryDirectory() as tmp:
            report, digest, err = compile_case(a.lpusim, workload, config, pathlib.Path(tmp))
        if err:
            print(f"FAIL {name}: {err}")
            failed.append(name)
            continue
        if a.update:
            (GOLDEN / f"{name}.json").write_text(report)
            (GOLDEN / f"{name}.s.sha256").write_text(digest)
            print(f"wrote {name}")
            continue
        ok = check(name, GOLDEN / f"{name}.json", report)
        ok = check(name, GOLDEN / f"{name}.s.sha256", digest) and ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        if not ok:
            failed.append(name)
    if failed:
        sys.exit(f"{len(failed)} of {len(todo)} schedules differ from their golden files: {' '.join(failed)}\n"
                 f"If the change is intended: /usr/bin/python3 tests/python/check_golden.py build/lpusim --update")


if __name__ == "__main__":
    main()
