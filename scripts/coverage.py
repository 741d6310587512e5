#!/usr/bin/python3
"""Functional coverage of lpusim's MXM and ISA (docs/coverage.md): merge coverage files, report
closure, run a coverage plan.

Coverage files come from `lpusim run ... --coverage FILE.json` (a chip, or a whole system with
--system) and `lpusim cosim mxm ... --coverage FILE.json`.

  merge   A.json B.json ... -o MERGED.json [--report REPORT.txt] [--require-full]
          sums hits bin by bin (files of several configs: their geometric bins united); refuses
          files of another coverage table
  report  FILE.json [--json] [--require-full]
          per-group closure, the bins never hit, the bins excluded as unreachable and why
  table   FILE.json
          the bin table in Markdown, as docs/coverage.md shows it
  plan    PLAN.yaml [--build-dir build] [--work DIR] [-o MERGED.json] [--report R.txt]
          [--jobs N] [--only NAME ...] [--require-full]
          runs every entry of a plan (tests/data/coverage/plan.yaml), checks each exits and stops
          as the plan says, merges their coverage files and reports

--require-full exits 1 if a bin is never hit (bins listed unreachable, with their reason, in the
table do not count). Exit codes: 0 ok, 1 a check failed, 2 bad usage, 3 bad input file.

Examples:
  build/lpusim cosim mxm --config configs/tiny.yaml --coverage a.json
  build/lpusim run --config configs/tiny.yaml --program examples/gemm/gemm_tiny.s --coverage b.json
  /usr/bin/python3 scripts/coverage.py merge a.json b.json -o all.json --report all.txt
  /usr/bin/python3 scripts/coverage.py report all.json
  /usr/bin/python3 scripts/coverage.py plan tests/data/coverage/plan.yaml --jobs 2 -o plan.json --require-full
"""
import argparse
import json
import os
import pathlib
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lpusimtools.common import (EXIT_CHECK, EXIT_INPUT, EXIT_USAGE, ROOT, ToolError, atomic_write,  # noqa: E402
                                lpusim_binary, main_guard)
from lpusimtools.coverage import dumps, format_report, load, merge, summary, table_markdown  # noqa: E402
from lpusimtools.coverage_plan import load_plan, run_plan, select  # noqa: E402


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ToolError(message, EXIT_USAGE)


def _parser():
    p = _Parser(prog="coverage.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    m = sub.add_parser("merge", help="merge coverage files")
    m.add_argument("files", nargs="+", metavar="FILE.json")
    m.add_argument("-o", "--output", required=True, metavar="MERGED.json")
    m.add_argument("--report", metavar="REPORT.txt", help="also write the text report")
    m.add_argument("--require-full", action="store_true", help="exit 1 unless every reachable bin is hit")
    r = sub.add_parser("report", help="report a coverage file")
    r.add_argument("file", metavar="FILE.json")
    r.add_argument("--json", action="store_true", help="the summary as JSON instead of text")
    r.add_argument("--require-full", action="store_true", help="exit 1 unless every reachable bin is hit")
    t = sub.add_parser("table", help="the bin table in Markdown (docs/coverage.md)")
    t.add_argument("file", metavar="FILE.json")
    pl = sub.add_parser("plan", help="run a coverage plan and merge its coverage")
    pl.add_argument("plan", metavar="PLAN.yaml")
    pl.add_argument("--build-dir", default=str(ROOT / "build"), help="where lpusim is (default: build)")
    pl.add_argument("--work", default="coverage-work", help="scratch directory, a subdirectory per run")
    pl.add_argument("-o", "--output", metavar="MERGED.json", help="the merged coverage file")
    pl.add_argument("--report", metavar="REPORT.txt", help="also write the text report")
    pl.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    pl.add_argument("--timeout", type=float, default=600, help="seconds per step (default 600)")
    pl.add_argument("--only", nargs="+", metavar="NAME", help="run only these entries")
    pl.add_argument("--require-full", action="store_true", help="exit 1 unless every reachable bin is hit")
    return p


def _write(path, text):
    """atomic_write, a failure one line naming the file (exit 3)."""
    try:
        atomic_write(path, text)
    except OSError as e:
        raise ToolError(f"{path}: cannot write: {e.strerror}", EXIT_INPUT)


def _finish(doc, args):
    """Writes the report if asked, prints it; exit 1 with --require-full and a bin missed."""
    text = format_report(doc)
    if getattr(args, "report", None):
        _write(args.report, text)
    s = summary(doc)
    if getattr(args, "json", False):
        print(json.dumps(s, indent=2))
    else:
        sys.stdout.write(text)
    if args.require_full and s["missed"]:
        print(f"coverage.py: {len(s['missed'])} reachable bin(s) never hit", file=sys.stderr)
        return EXIT_CHECK
    return 0


def cmd_merge(args):
    doc = merge([load(f) for f in args.files], args.files)
    _write(args.output, dumps(doc))
    return _finish(doc, args)


def cmd_report(args):
    return _finish(load(args.file), args)


def cmd_table(args):
    sys.stdout.write(table_markdown(load(args.file)))
    return 0


def cmd_plan(args):
    if args.jobs < 1:
        raise ToolError("--jobs: must be at least 1", EXIT_USAGE)
    lpusim = lpusim_binary(args.build_dir)
    plan = load_plan(args.plan)
    if args.only:
        plan = select(plan, args.only)

    def progress(r):
        state = "ok  " if r["ok"] else "FAIL"
        print(f"{state} {r['name']:<40} {r['wall_s']:8.2f} s  {r['error']}", flush=True)

    results = run_plan(plan, lpusim, pathlib.Path(args.work), jobs=args.jobs, timeout=args.timeout,
                       progress=progress)
    failed = [r for r in results if not r["ok"]]
    for r in failed:
        print(f"coverage.py: {r['name']}: {r['error']}\n  commands: " + "\n            ".join(r["commands"]),
              file=sys.stderr)
    done = [r for r in results if pathlib.Path(r["coverage"]).is_file() and r["ok"]]
    if not done:
        raise ToolError("no run of the plan left a coverage file", EXIT_CHECK)
    doc = merge([load(r["coverage"]) for r in done], [r["coverage"] for r in done])
    if args.output:
        _write(args.output, dumps(doc))
    code = _finish(doc, args)
    return EXIT_CHECK if failed else code


def main():
    args = _parser().parse_args()
    return {"merge": cmd_merge, "report": cmd_report, "table": cmd_table, "plan": cmd_plan}[args.command](args)


if __name__ == "__main__":
    main_guard(main)
