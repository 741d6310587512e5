#!/usr/bin/python3
"""Architecture sweep: every point of a grid or list of config values x every workload, compiled
(and run), in parallel, into one results table (docs/sweep.md).

    scripts/sweep.py examples/sweeps/tiny_mxm.yaml --out build/sweep-tiny        # local, nproc jobs
    scripts/sweep.py SPEC --out DIR --executor dask --scheduler tcp://HOST:8786   # on a Dask cluster

The spec (YAML) names a base chip config (or a system file, or gen_system.py generators), the
axes (`grid`: their cartesian product; `list`: explicit points), each a config key path as
`lpusim config` prints it, the workloads and the mode: `compile`, or `run` (compile, run with the
compiler's input tensors loaded, and require the simulated cycles to equal the predicted ones).
Each point's config is written to DIR/configs/, resolved (`lpusim config`, its hash), compiled
(`--report`) and run (`--stats`); each (point, workload) is a row of DIR/results.jsonl (appended
and fsync'd as it finishes) and DIR/results.csv (regenerated atomically): its parameters, the
config hash, predicted and simulated cycles and every report and statistics figure. A point that
fails is a row with status `failed` and the reason.

Stopped (Ctrl-C, SIGTERM, SIGKILL, a lost Dask scheduler) and run again with the same spec and
DIR, it runs only the points without a row (`--retry-failed`: also the failed ones). DIR keeps
the spec's hash in sweep.json; another spec there is refused unless `--force` (which moves the
old results aside to DIR/previous-<hash>/).

Exit codes: 0 every point has a row (ok or failed; with --check: every row ok), 1 --check and a
point failed, or the Dask scheduler was lost, 2 bad usage, 3 bad spec or input file, 130
interrupted (rows so far kept).
"""
import argparse
import fcntl
import json
import os
import pathlib
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lpusimtools.common import (EXIT_CHECK, EXIT_USAGE, ROOT, ToolError, atomic_write, die,  # noqa: E402
                                lpusim_binary, main_guard)
from lpusimtools import sweep_exec, sweep_table  # noqa: E402
from lpusimtools.sweep_spec import Spec  # noqa: E402

CSV_EVERY_S = 10.0  # results.csv is regenerated at most this often during a run (and at its end)


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, like every bad input of the project's tools
        raise ToolError(message, EXIT_USAGE)


def parse_args():
    ap = Parser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec", type=pathlib.Path, help="the sweep spec (YAML, docs/sweep.md)")
    ap.add_argument("--out", "-o", type=pathlib.Path, required=True,
                    help="output directory: sweep.json, results.jsonl, results.csv, configs/")
    ap.add_argument("--executor", choices=("local", "dask"), default="local",
                    help="local: a pool of worker processes (default); dask: a Dask distributed cluster")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                    help="local: points run at once (default: the number of CPUs, %(default)s)")
    ap.add_argument("--scheduler", metavar="ADDRESS", help="dask: the scheduler's address, e.g. tcp://10.0.0.1:8786")
    ap.add_argument("--retries", type=int, default=1,
                    help="local: runs again of a point whose worker process died; dask: retries of a task that "
                         "raised (worker deaths: the scheduler's allowed-failures) (default 1)")
    ap.add_argument("--retry-failed", action="store_true", help="also run again the points recorded as failed")
    ap.add_argument("--force", action="store_true",
                    help="use DIR even if another spec made it: its results are moved to DIR/previous-<hash>/")
    ap.add_argument("--check", action="store_true", help="exit 1 if any point failed")
    ap.add_argument("--dry-run", action="store_true", help="check the spec and list the points; run nothing")
    ap.add_argument("--build-dir", type=pathlib.Path, default=ROOT / "build",
                    help="where the lpusim binary is (default: the repository's build/)")
    ap.add_argument("--lpusim", type=pathlib.Path, help="the lpusim binary (default: BUILD_DIR/lpusim)")
    ap.add_argument("--quiet", "-q", action="store_true",
                    help="no progress bar (it is drawn only when stderr is a terminal)")
    a = ap.parse_args()
    if a.jobs < 1:
        die(f"--jobs: expected at least 1, got {a.jobs}")
    if a.retries < 0:
        die(f"--retries: expected 0 or more, got {a.retries}")
    if a.executor == "dask" and not a.scheduler:
        die("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786; docs/sweep.md: starting a cluster)")
    if a.executor != "dask" and a.scheduler:
        die("--scheduler is for --executor dask")
    return a


def lpusim_path(a):
    if a.lpusim is None:
        return lpusim_binary(a.build_dir).resolve()
    if not a.lpusim.is_file() or not os.access(a.lpusim, os.X_OK):
        die(f"--lpusim {a.lpusim}: not an executable file")
    return a.lpusim.resolve()


class OutDir:
    """The output directory: its lock (one driver at a time), sweep.json, the table."""

    def __init__(self, path):
        self.path = path
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            die(f"--out {path}: cannot create: {e.strerror}")
        if not path.is_dir():
            die(f"--out {path}: not a directory")
        self.lock = open(path / ".lock", "a")
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            die(f"--out {path}: another sweep.py is running there")
        self.jsonl = path / "results.jsonl"
        self.csv = path / "results.csv"
        self.meta = path / "sweep.json"

    def claim(self, spec, identity, force):
        """Checks that DIR is this spec's (or new); with force, moves another spec's results aside."""
        old = None
        if self.meta.exists():
            try:
                old = json.loads(self.meta.read_text())["spec_hash"]
            except (OSError, ValueError, KeyError, TypeError):
                old = "unreadable"
        elif self.jsonl.exists():
            old = "unknown"
        if old is None or old == identity:
            return
        if not force:
            die(f"--out {self.path} holds the results of another sweep spec (spec hash {old[:12]}, this one "
                f"{identity[:12]}): use another --out, or --force to start over (the old results are moved to "
                f"{self.path}/previous-{old[:12]}/)")
        aside = self.path / f"previous-{old[:12]}"
        n = 1
        while aside.exists():
            n += 1
            aside = self.path / f"previous-{old[:12]}-{n}"
        aside.mkdir()
        for f in (self.meta, self.jsonl, self.csv):
            if f.exists():
                os.replace(f, aside / f.name)
        print(f"sweep.py: --force: the previous results are in {aside}/", file=sys.stderr)

    def write_meta(self, spec, identity, tasks):
        meta = {"tool": "scripts/sweep.py", "format": 1, "spec": str(spec.path.resolve()), "spec_hash": identity,
                **spec.summary(), "timeout_s": spec.timeout,
                "points": [{"point": t["point"], "workload": t["workload"], "params": t["params"],
                            "config": t["config_rel"]} for t in tasks]}
        atomic_write(self.meta, json.dumps(meta, indent=1) + "\n")


class Recorder:
    """Receives finished rows in the driver: appends them to results.jsonl, keeps the configs
    generators wrote, moves the progress bar, regenerates results.csv now and then."""

    def __init__(self, out, spec, order, rows, progress):
        self.out = out
        self.spec = spec
        self.order = order
        self.rows = rows
        self.appender = sweep_table.RowAppender(out.jsonl)
        self.progress = progress
        self.done = set()
        self.counts = {"ok": 0, "failed": 0}
        self.last_csv = time.monotonic()

    def __call__(self, task, row):
        if task["point"] in self.done:  # never twice in one run, whatever an executor does
            return
        text = row.pop("_config_text", None)
        if text is not None:
            atomic_write(self.out.path / task["config_rel"], text)
        # Ctrl-C and SIGTERM wait until the row is on disk and counted (a SIGKILL cannot, and
        # leaves at most a torn last line, which the next run drops).
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self.appender.append(row)
            self.done.add(task["point"])
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.rows.append(row)
        self.counts[row["status"]] += 1
        if self.progress is not None:
            self.progress.set_postfix(self.counts, refresh=False)
            self.progress.update(1)
        if time.monotonic() - self.last_csv > CSV_EVERY_S:
            self.write_csv()

    def write_csv(self):
        last = sweep_table.latest(self.rows)
        sweep_table.write_csv(self.out.csv, [last[p] for p in self.order if p in last], self.spec.axes)
        self.last_csv = time.monotonic()

    def close(self):
        self.appender.close()


def on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main():
    a = parse_args()
    lpusim = lpusim_path(a)
    spec = Spec(a.spec, lpusim)
    tasks = spec.tasks(lpusim)
    identity = spec.identity()
    if a.dry_run:
        for t in tasks:
            params = ", ".join(f"{k}={v}" for k, v in t["params"].items()) or "(base)"
            print(f"{t['point']}  {t['workload']}  {params}")
        print(f"sweep {spec.name}: {len(tasks)} points ({len(spec.points)} configs x {len(spec.workloads)} "
              f"workloads), mode {spec.mode}")
        return 0
    out = OutDir(a.out)
    out.claim(spec, identity, a.force)
    out.write_meta(spec, identity, tasks)
    rows, torn = sweep_table.read_rows(out.jsonl, repair=True)
    if torn:
        print(f"sweep.py: {out.jsonl}: dropped a torn last line ({torn} bytes, a run killed while writing it)",
              file=sys.stderr)
    last = sweep_table.latest(rows)
    todo = [t for t in tasks if t["point"] not in last or (a.retry_failed and last[t["point"]]["status"] == "failed")]
    for t in todo:
        if t["config_text"] is not None:
            path = out.path / t["config_rel"]
            if not path.exists() or path.read_text() != t["config_text"]:
                atomic_write(path, t["config_text"])
    shutil.rmtree(out.path / "work", ignore_errors=True)  # scratch of local points a killed run left
    if a.executor == "local":
        (out.path / "work").mkdir()
        for t in todo:
            t["scratch"] = str(out.path / "work")
    order = [t["point"] for t in tasks]
    before = len(tasks) - len(todo)
    if before:
        print(f"sweep {spec.name}: {before} of {len(tasks)} points already in {out.jsonl}"
              + (f", {len(todo)} to run" if todo else ""), file=sys.stderr)
    progress = None
    if not a.quiet and todo and sys.stderr.isatty():
        import tqdm
        tqdm.tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
        progress = tqdm.tqdm(total=len(todo), desc=spec.name, unit="pt", file=sys.stderr, dynamic_ncols=True)
    recorder = Recorder(out, spec, order, rows, progress)
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        if a.executor == "local":
            sweep_exec.run_local(todo, a.jobs, a.retries, recorder)
        else:
            sweep_exec.run_dask(todo, a.scheduler, a.retries, recorder)
    except (KeyboardInterrupt, sweep_exec.SchedulerLost) as e:
        recorder.close()
        if progress is not None:
            progress.close()
        recorder.write_csv()
        left = f"{len(recorder.done)} points recorded in this run, {len(todo) - len(recorder.done)} left; " \
               f"run the same command again to resume"
        if isinstance(e, sweep_exec.SchedulerLost):
            raise sweep_exec.SchedulerLost(f"{e}: {left}")
        print(f"sweep.py: interrupted: {left}", file=sys.stderr)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    recorder.close()
    if progress is not None:
        progress.close()
    recorder.write_csv()
    shutil.rmtree(out.path / "work", ignore_errors=True)
    final = sweep_table.latest(rows)
    failed = [p for p in order if final[p]["status"] == "failed"]
    print(f"sweep {spec.name}: {len(order)} points, {len(order) - len(failed)} ok, {len(failed)} failed "
          f"({len(recorder.done)} run now) -> {out.csv}")
    for p in failed[:10]:
        r = final[p]
        params = ", ".join(f"{k[6:]}={r[k]}" for k in r if k.startswith("param."))
        print(f"  failed {p} {r['workload']} {params}: {r['error']}")
    if len(failed) > 10:
        print(f"  ... and {len(failed) - 10} more (column 'error' of {out.csv})")
    return EXIT_CHECK if a.check and failed else 0


if __name__ == "__main__":
    main_guard(main)
