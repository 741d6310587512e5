"""One point of a sweep (scripts/sweep.py, docs/sweep.md): a pure function from a task (the
point's parameters, its config text, its workload, the lpusim binary) to its row of the results
table. It runs in a worker: a process of the local pool or a Dask worker (which receives this
module by value, so workers need no copy of scripts/, only the lpusim binary and the workload
files at the same paths).

Everything a point does happens in a scratch directory of its own, with lpusim run there on
relative names (`configs/<id>.yaml`, `program.s`, ...), so lpusim's messages, and with them the
failure reasons in the table, are the same on any worker. Any failure (config refused, compile
error, run error, cycle or output mismatch, timeout) is a row with status "failed" and a
one-line reason; nothing here raises.
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import yaml

from .common import first_error_line, flatten, stable_hash

REASON_CHARS = 400  # a reason is one line of the table; lpusim's messages are shorter


class PointFailed(Exception):
    """The point failed for `reason` (one line, recorded in the row)."""


def _one_line(text):
    text = " ".join(str(text).split())
    return text if len(text) <= REASON_CHARS else text[:REASON_CHARS - 3] + "..."


def _set_pdeathsig():
    """preexec_fn of a local worker's subprocesses: killed when the worker dies (Linux), so a
    SIGKILLed driver leaves no lpusim running on behind it."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Runner:
    """Runs a point's commands in its scratch directory against the point's deadline."""

    def __init__(self, scratch, timeout, local):
        self.scratch = scratch
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.local = local

    def call(self, step, cmd):
        """Runs cmd; returns its CompletedProcess. A timeout or a signal is a PointFailed."""
        remaining = None
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise PointFailed(f"timed out after {self.timeout:g} s (before {step})")
        try:
            proc = subprocess.Popen([str(c) for c in cmd], cwd=self.scratch, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True,
                                    preexec_fn=_set_pdeathsig if self.local else None)
        except OSError as e:
            raise PointFailed(f"{step}: cannot start {cmd[0]}: {e.strerror}")
        try:
            out, err = proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise PointFailed(f"timed out after {self.timeout:g} s (in {step})")
        done = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
        if done.returncode < 0:
            raise PointFailed(f"{step}: killed by {signal.Signals(-done.returncode).name}")
        return done

    def check(self, step, cmd):
        done = self.call(step, cmd)
        if done.returncode != 0:
            raise PointFailed(f"{step}: {self.reason(done)}")
        return done

    def reason(self, done):
        """lpusim's (or the generator's) error line, with the scratch directory left out of paths."""
        return lpusim_reason(done).replace(self.scratch.rstrip(os.sep) + os.sep, "")


def lpusim_reason(proc):
    line = first_error_line(proc)
    for prefix in ("lpusim: error: ", "lpusim: ", "gen_system.py: error: ", "gen_system.py: "):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


def scalars(doc):
    """The flattened scalars of a JSON document (lists and nested lists left out)."""
    return {k: v for k, v in flatten(doc).items() if not isinstance(v, (list, dict))}


# ------------------------------------------------------------------------- systems

def inline_types(doc, base_dir):
    """A system file's document with every chip type given as `chip:` instead of `config: FILE`
    (the file's chip read in), so that the file stands alone anywhere and `chip.*` keys can be
    set in it. Returns the new document; errors are ValueError naming the type."""
    doc = json.loads(json.dumps(doc))
    types = (doc.get("system") or {}).get("types")
    if not isinstance(types, dict):
        return doc
    for name, t in types.items():
        if isinstance(t, dict) and "config" in t and "chip" not in t:
            path = pathlib.Path(base_dir, str(t["config"]))
            try:
                chip = yaml.safe_load(path.read_text())
            except (OSError, yaml.YAMLError) as e:
                raise ValueError(f"system.types.{name}.config: cannot read {path}: {e}")
            if not isinstance(chip, dict) or not isinstance(chip.get("chip"), dict):
                raise ValueError(f"system.types.{name}.config: {path} has no 'chip:' mapping")
            rest = {k: v for k, v in t.items() if k != "config"}
            types[name] = {"chip": chip["chip"], **rest}
    return doc


def _system_resolve(run, rel, row, task):
    """Resolves the system file `rel` (`lpusim system --config`, and its figures with --json) and
    fills the row's config_hash, chips, clock_mhz, param.* and info.*. Returns the resolved doc."""
    done = run.check("system", [run.lpusim, "system", "--system", rel, "--config"])
    resolved = yaml.safe_load(done.stdout)
    figures_path = os.path.join(run.scratch, "figures.json")
    done = run.call("system figures", [run.lpusim, "system", "--system", rel, "--json", "figures.json"])
    if done.returncode not in (0, 1) or not os.path.exists(figures_path):  # 1: a published check failed
        raise PointFailed(f"system figures: {run.reason(done)}")
    with open(figures_path) as f:
        figures = json.load(f)
    clocks = [t["chip"]["clock_mhz"] for t in resolved["system"]["types"].values() if isinstance(t.get("chip"), dict)]
    row.update({"config_hash": stable_hash(resolved), "chips": figures.get("chips"),
                "clock_mhz": clocks[0] if clocks else None})
    row["_info"] = {f"info.{k}": v for k, v in scalars(figures).items()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return resolved


def without_bit_errors(doc):
    """The system with `ber` 0 on every link: what the generators schedule for (they refuse bit
    errors; a link's error rate changes none of its timing, docs/system.md "Link timing")."""
    doc = json.loads(json.dumps(doc))
    system = doc.get("system") or {}
    for entry in [system.get("link_defaults")] + list(system.get("links") or []):
        if isinstance(entry, dict) and entry.get("ber"):
            entry["ber"] = 0
    return doc


def _generate(task, run, rel):
    """gen_system.py: the programs, inputs, expected outputs, run.json and schedule.json in gen/."""
    gen = task["generator"]
    args = [task["python"], task["gen_script"], gen["name"]]
    for opt, value in gen["args"]:
        args += [f"--{opt}", value]
    if rel is not None:
        with open(os.path.join(run.scratch, rel)) as f:
            doc = yaml.safe_load(f)
        clean = without_bit_errors(doc)
        if clean != doc:
            rel = rel[:-len(".yaml")] + ".ber0.yaml"
            with open(os.path.join(run.scratch, rel), "w") as f:
                f.write(yaml.safe_dump(clean, sort_keys=False))
        args += ["--system", rel]
    run.check(f"gen_system.py {gen['name']}", args + ["--out", "gen", "--lpusim", run.lpusim])
    with open(os.path.join(run.scratch, "gen", "run.json")) as f:
        plan = json.load(f)
    with open(os.path.join(run.scratch, "gen", "schedule.json")) as f:
        schedule = json.load(f)
    return plan, schedule


def _run_system(task, run, row):
    rel = task["config_rel"]
    given = task.get("config_text") is not None  # the sweep's system, varied, for generators taking --system
    if given:
        _system_resolve(run, rel, row, task)
    plan, schedule = _generate(task, run, rel if given else None)
    if not given:  # the generator wrote the system: kept, and hashed, with its chip types read in
        own_path = os.path.join(run.scratch, "gen", plan["system"])
        with open(own_path) as f:
            own = inline_types(yaml.safe_load(f), os.path.dirname(own_path))
        text = yaml.safe_dump(own, sort_keys=False)
        os.makedirs(os.path.dirname(os.path.join(run.scratch, rel)), exist_ok=True)
        with open(os.path.join(run.scratch, rel), "w") as f:
            f.write(text)
        row["_config_text"] = text
        _system_resolve(run, rel, row, task)
    row.update({f"report.{k}": v for k, v in scalars(schedule).items()})
    row["instructions"] = schedule.get("instructions")
    if task["mode"] != "run":
        return
    cmd = [run.lpusim, "run", "--system", rel, "--programs", os.path.join("gen", plan["programs"]),
           "--stats", "stats.json", "--link-errors", task["link_errors"]]
    for chip, name, f in plan["load"]:
        cmd += ["--load", f"{chip}:{name}={os.path.join('gen', f)}"]
    os.makedirs(os.path.join(run.scratch, "got"), exist_ok=True)
    for chip, name, _ in plan["dump"]:
        cmd += ["--dump", f"{chip}:{name}=got/{chip}.{name}.npy"]
    done = run.call("run", cmd)
    stats_path = os.path.join(run.scratch, "stats.json")
    if done.returncode == 0 and os.path.exists(stats_path):
        with open(stats_path) as f:
            stats = json.load(f)
        row.update({f"stats.{k}": v for k, v in flatten(stats).items()})
        chips = stats["chips"].values()
        row["simulated_cycles"] = max((c["cycles"] for c in chips), default=0)
        row["instructions"] = sum(c["instructions"] for c in chips)
        row["macs"] = sum(c["macs"] for c in chips)
    if done.returncode != 0:
        raise PointFailed(f"run: {run.reason(done)}")
    if row["instructions"] != schedule.get("instructions"):
        raise PointFailed(f"run: {row['instructions']} instructions ran, the generator scheduled "
                          f"{schedule.get('instructions')}")
    compare_dumps(run.scratch, plan)


def compare_dumps(scratch, plan):
    """Every tensor the run dumped equals the generator's numpy result, bit for bit."""
    import numpy as np
    for chip, name, f in plan["dump"]:
        want = np.load(os.path.join(scratch, "gen", f))
        have = np.load(os.path.join(scratch, "got", f"{chip}.{name}.npy"))
        if want.dtype != have.dtype or want.shape != have.shape:
            raise PointFailed(f"run: {chip}:{name} is {have.dtype} {list(have.shape)}, the generator's numpy "
                              f"result {want.dtype} {list(want.shape)}")
        if not np.array_equal(want, have):
            bad = np.argwhere(want != have)
            raise PointFailed(f"run: {chip}:{name} differs from the generator's numpy result in {len(bad)} of "
                              f"{want.size} elements, first at {bad[0].tolist()}")


# ------------------------------------------------------------------------- chips

def _run_chip(task, run, row):
    rel = task["config_rel"]
    done = run.check("config", [run.lpusim, "config", rel])
    resolved = yaml.safe_load(done.stdout)
    row["config_hash"] = stable_hash(resolved)
    row["chips"] = 1
    row["clock_mhz"] = resolved["chip"]["clock_mhz"]
    cmd = [run.lpusim, "compile", "--config", rel, "--workload", task["workload_path"], "-o", "program.s",
           "--report", "report.json"]
    if task["mode"] == "run":
        cmd += ["--inputs", "inputs"]
    run.check("compile", cmd)
    with open(os.path.join(run.scratch, "report.json")) as f:
        report = json.load(f)
    row.update({f"report.{k}": v for k, v in scalars(report).items()})
    row["predicted_cycles"] = report["predicted_cycles"]
    row["instructions"] = report["instructions"]
    row["macs"] = report["mxm_macs"]
    if task["mode"] != "run":
        return
    cmd = [run.lpusim, "run", "--config", rel, "--program", "program.s", "--stats", "stats.json"]
    for npy in sorted(pathlib.Path(run.scratch, "inputs").glob("*.npy")):
        cmd += ["--load", f"{npy.stem}=inputs/{npy.name}"]
    run.check("run", cmd)
    with open(os.path.join(run.scratch, "stats.json")) as f:
        stats = json.load(f)
    row.update({f"stats.{k}": v for k, v in flatten(stats).items()})
    row["simulated_cycles"] = stats["cycles"]
    if stats["cycles"] != report["predicted_cycles"]:
        raise PointFailed(f"run: took {stats['cycles']} cycles, the compiler predicted {report['predicted_cycles']}")


# ------------------------------------------------------------------------- the task

def new_row(task):
    row = {"point": task["point"], "status": "failed", "error": "", "workload": task["workload"],
           "mode": task["mode"]}
    for key in task["axes"]:  # the point's value, or the base's for a key the point leaves alone
        row[f"param.{key}"] = task["params"].get(key, task["base_values"].get(key))
    row.update({"config_hash": None, "chips": None, "clock_mhz": None, "predicted_cycles": None,
                "simulated_cycles": None, "instructions": None, "macs": None})
    return row


def failed_row(task, reason, wall_s=None):
    row = new_row(task)
    row["error"] = _one_line(reason)
    row["wall_s"] = wall_s
    return row


def _scratch_dir(task):
    if task.get("scratch"):
        path = os.path.join(task["scratch"], task["point"])
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        return path
    try:  # on a Dask worker: its own directory, removed with the worker
        from distributed import get_worker
        base = get_worker().local_directory
    except (ImportError, ValueError):
        base = None
    return tempfile.mkdtemp(prefix=f"sweep-{task['point']}-", dir=base)


def run_task(task):
    """The row of one (point, workload): a dict of the table's columns, plus `_config_text` (the
    system file a generator wrote, which the driver keeps under the output directory)."""
    t0 = time.monotonic()
    row = new_row(task)
    scratch = None
    try:
        scratch = _scratch_dir(task)
        run = _Runner(scratch, task.get("timeout"), task.get("local", False))
        run.lpusim = task["lpusim"]
        if task.get("config_text") is not None:
            path = os.path.join(scratch, task["config_rel"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(task["config_text"])
        (_run_system if task["kind"] == "system" else _run_chip)(task, run, row)
        row["status"] = "ok"
    except PointFailed as e:
        row["error"] = _one_line(e)
    except Exception as e:  # a bug or an unexpected file: the row says so instead of a dead pool
        row["error"] = _one_line(f"internal error: {type(e).__name__}: {e}")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    row.update(row.pop("_info", {}))  # info.* of a system's figures, also when it failed later
    row["wall_s"] = round(time.monotonic() - t0, 3)
    return row
