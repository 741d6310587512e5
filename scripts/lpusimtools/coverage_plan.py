"""A coverage plan: the runs that together reach every coverage bin (docs/coverage.md), as YAML
(tests/data/coverage/plan.yaml), for scripts/coverage.py and the regression (scripts/regress.py).

Format:

    version: 1
    runs:
      - name: cosim-tiny-random-1        # unique; letters, digits, '.', '_', '-'
        what: seeded random MXM stimulus # optional, one line
        steps:                           # commands, in order; each a list of words
          - [lpusim, cosim, mxm, --config, "{root}/configs/tiny.yaml", --coverage, "{coverage}"]
        expect_exit: 0                   # the last step's exit code (default 0; earlier steps must exit 0)
        expect_error: mxm.torn_weights   # optional: the schedule rule the run must stop on (its
                                         # error.<rule> bin hit in the run's coverage file)

A step's first word is `lpusim` (the binary under test) or `python` (Debian's /usr/bin/python3).
Words may hold {root} (the repository), {work} (the run's own scratch directory, created empty),
{coverage} ({work}/coverage.json: the coverage file every run must leave) and {build} (the build
directory). A word `{loads:DIR}` becomes `--load NAME=DIR/NAME.npy` for every NAME.npy in DIR, or
`--load CHIP:NAME=DIR/CHIP.NAME.npy` for a system's (after the earlier steps wrote them:
`lpusim compile --inputs DIR`, `examples/system/gen_system.py --out ...`).

    from lpusimtools.coverage_plan import load_plan, run_plan
    plan = load_plan("tests/data/coverage/plan.yaml")
    results = run_plan(plan, lpusim="build/lpusim", work="build/cov", jobs=2)
    # each: {"name", "ok", "error", "coverage", "wall_s", "commands"}
"""
import concurrent.futures
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import time

from lpusimtools.common import EXIT_INPUT, ROOT, ToolError, first_error_line, load_yaml
from lpusimtools.coverage import load

PYTHON = "/usr/bin/python3"
_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_LOADS = re.compile(r"^\{loads:(.+)\}$")
_RUN_KEYS = {"name", "what", "steps", "expect_exit", "expect_error"}
_PLACES = ("root", "work", "coverage", "build")


def _fail(path, where, why):
    raise ToolError(f"{path}: {where}: {why}", EXIT_INPUT)


def load_plan(path):
    """Reads and checks a plan; returns {"path", "runs": [{"name", "what", "steps", "expect_exit",
    "expect_error"}]}. Errors name the file and the run."""
    doc = load_yaml(path)
    if not isinstance(doc, dict) or doc.get("version") != 1:
        _fail(path, "version", "expected a mapping with version: 1")
    if set(doc) - {"version", "description", "runs"}:
        _fail(path, "top level", f"unknown key(s) {sorted(set(doc) - {'version', 'description', 'runs'})}")
    runs = doc.get("runs")
    if not isinstance(runs, list) or not runs:
        _fail(path, "runs", "expected a non-empty list")
    seen = set()
    out = []
    for i, r in enumerate(runs):
        where = f"runs[{i}]"
        if not isinstance(r, dict):
            _fail(path, where, "expected a mapping")
        if set(r) - _RUN_KEYS:
            _fail(path, where, f"unknown key(s) {sorted(set(r) - _RUN_KEYS)}")
        name = r.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            _fail(path, f"{where}.name", "expected letters, digits, '.', '_' or '-'")
        if name in seen:
            _fail(path, f"{where}.name", f"'{name}' given twice")
        seen.add(name)
        steps = r.get("steps")
        if not isinstance(steps, list) or not steps:
            _fail(path, f"{where} ({name}).steps", "expected a non-empty list of commands")
        for j, s in enumerate(steps):
            if (not isinstance(s, list) or len(s) < 2 or s[0] not in ("lpusim", "python")
                    or not all(isinstance(w, (str, int)) and not isinstance(w, bool) for w in s)):
                _fail(path, f"{where} ({name}).steps[{j}]", "expected [lpusim|python, word, ...] of strings")
            for w in s[1:]:
                m = _LOADS.match(str(w))
                try:
                    (m.group(1) if m else str(w)).format(**{k: "" for k in _PLACES})
                except (KeyError, IndexError, ValueError):
                    _fail(path, f"{where} ({name}).steps[{j}]",
                          f"word {str(w)!r}: placeholders are {{root}}, {{work}}, {{coverage}}, {{build}}, {{loads:DIR}}")
        expect_exit = r.get("expect_exit", 0)
        if not isinstance(expect_exit, int) or isinstance(expect_exit, bool) or not 0 <= expect_exit <= 255:
            _fail(path, f"{where} ({name}).expect_exit", "expected an exit code 0..255")
        expect_error = r.get("expect_error")
        if expect_error is not None and not isinstance(expect_error, str):
            _fail(path, f"{where} ({name}).expect_error", "expected a schedule rule name")
        out.append({"name": name, "what": r.get("what", ""), "steps": [[str(w) for w in s] for s in steps],
                    "expect_exit": expect_exit, "expect_error": expect_error})
    return {"path": str(path), "runs": out}


def _words(step, lpusim, places):
    argv = [str(lpusim) if step[0] == "lpusim" else PYTHON]
    for w in step[1:]:
        m = _LOADS.match(w)
        if m:
            d = pathlib.Path(m.group(1).format(**places))
            for npy in sorted(d.glob("*.npy")):
                chip, dot, name = npy.stem.rpartition(".")
                argv += ["--load", f"{chip}:{name}={npy}" if dot else f"{name}={npy}"]
        else:
            argv.append(w.format(**places))
    return argv


def run_entry(run, lpusim, work, build=None, timeout=None):
    """Runs one plan entry in work/<name> (emptied first); returns its result."""
    lpusim = pathlib.Path(lpusim).resolve()  # the steps run in their own directory
    d = pathlib.Path(work).resolve() / run["name"]
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    places = {"root": str(ROOT), "work": str(d), "coverage": str(d / "coverage.json"),
              "build": str(build or pathlib.Path(lpusim).resolve().parent)}
    result = {"name": run["name"], "ok": False, "error": "", "coverage": places["coverage"], "commands": []}
    t0 = time.monotonic()
    try:
        for k, step in enumerate(run["steps"]):
            argv = _words(step, lpusim, places)
            result["commands"].append(" ".join(shlex.quote(a) for a in argv))
            try:
                proc = subprocess.run(argv, capture_output=True, text=True, cwd=d, timeout=timeout)
            except subprocess.TimeoutExpired:
                result["error"] = f"step {k + 1} timed out after {timeout} s"
                return result
            except OSError as e:
                result["error"] = f"step {k + 1} could not start: {e.strerror}: {argv[0]}"
                return result
            last = k == len(run["steps"]) - 1
            want = run["expect_exit"] if last else 0
            if proc.returncode != want:
                result["error"] = (f"step {k + 1} exited {proc.returncode}, expected {want}: "
                                   f"{first_error_line(proc)}")
                return result
        cov = load(places["coverage"])
        if run["expect_error"]:
            bin_name = "error." + run["expect_error"]
            hits = {b["name"]: b["hits"] for b in cov["bins"]}
            if bin_name not in hits:
                result["error"] = f"expect_error: no bin {bin_name} (no such schedule rule)"
                return result
            if not hits[bin_name]:
                stopped = [n for n, h in hits.items() if n.startswith("error.") and h]
                result["error"] = f"the run did not stop on {run['expect_error']} (recorded: {stopped or 'none'})"
                return result
        result["ok"] = True
        return result
    except ToolError as e:
        result["error"] = str(e)
        return result
    finally:
        result["wall_s"] = round(time.monotonic() - t0, 3)


def run_plan(plan, lpusim, work, jobs=1, build=None, timeout=None, progress=None):
    """Runs every entry of `plan` (at most `jobs` at once); returns the results in plan order.
    `progress(result)` is called as each finishes."""
    runs = plan["runs"]
    results = [None] * len(runs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(run_entry, r, lpusim, work, build, timeout): i for i, r in enumerate(runs)}
        for f in concurrent.futures.as_completed(futures):
            results[futures[f]] = f.result()
            if progress:
                progress(results[futures[f]])
    return results


def select(plan, names):
    """The plan restricted to the runs named (ToolError naming an unknown one)."""
    known = {r["name"] for r in plan["runs"]}
    for n in names:
        if n not in known:
            raise ToolError(f"{plan['path']}: no run named '{n}'", EXIT_INPUT)
    return {"path": plan["path"], "runs": [r for r in plan["runs"] if r["name"] in names]}


if __name__ == "__main__":  # pragma: no cover - a module, not a script
    sys.exit(f"{os.path.basename(__file__)} is a module: use scripts/coverage.py plan")
