"""Where a sweep's points run (scripts/sweep.py, docs/sweep.md): a local pool of worker
processes, or a Dask distributed cluster. Both call `on_result(task, row)` in the driver's
process, once per task, as each finishes; the driver is the only writer of the table.

Local: one forked worker process per running task, at most `jobs` at once. A worker is its own
process group and dies with the driver (PR_SET_PDEATHSIG), as do the lpusim processes it runs,
so neither Ctrl-C at a terminal nor a SIGKILLed driver leaves anything running. A worker that
dies (killed, crashed) has its task run again, up to `retries` times; then the task is a failed
row saying so.

Dask: every task is submitted to the scheduler as a pure function of the task (this module's
sweep_point.run_task, shipped by value). The scheduler reschedules the tasks of a worker that
dies; a task that keeps killing workers (the scheduler's `distributed.scheduler.allowed-failures`,
default 3) comes back as KilledWorker and is a failed row; an exception in the task is retried
`retries` times, then a failed row. Losing the scheduler ends the sweep with an error: the rows
recorded so far stay, and running the sweep again resumes.
"""
import collections
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import uuid

from .common import EXIT_CHECK, EXIT_USAGE, ToolError
from . import common, sweep_point


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class SchedulerLost(ToolError):
    def __init__(self, message):
        super().__init__(message, EXIT_CHECK)


def _signal_name(code):
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _child(task, conn, driver):
    """A local worker: runs one task and sends its row back."""
    os.setpgrp()  # Ctrl-C at a terminal reaches the driver only; the driver kills this group
    sweep_point._set_pdeathsig()
    if os.getppid() != driver:  # the driver died before the line above
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by the driver while forking
    try:
        conn.send(sweep_point.run_task(dict(task, local=True)))
    finally:
        conn.close()
    os._exit(0)


def run_local(tasks, jobs, retries, on_result):
    ctx = multiprocessing.get_context("fork")
    queue = collections.deque((t, 0) for t in tasks)
    running = {}  # connection -> (process, task, deaths so far)
    try:
        while queue or running:
            while queue and len(running) < jobs:
                task, deaths = queue.popleft()
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(task, send, os.getpid()), daemon=False)
                # Ctrl-C or SIGTERM in the middle of a fork would be swallowed by its at-fork hooks
                # ("Exception ignored"): they wait until the worker is started and known.
                mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
                try:
                    proc.start()
                    running[recv] = (proc, task, deaths)
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                send.close()
            for conn in multiprocessing.connection.wait(list(running)):
                proc, task, deaths = running.pop(conn)
                try:
                    row = conn.recv()
                except (EOFError, OSError):
                    row = None
                conn.close()
                proc.join()
                if row is None:  # the worker died before sending its row
                    deaths += 1
                    if deaths <= retries:
                        queue.appendleft((task, deaths))
                        continue
                    row = sweep_point.failed_row(
                        task, f"its worker process died {deaths} time{'s' if deaths > 1 else ''} "
                              f"(last: {_signal_name(proc.exitcode)})")
                on_result(task, row)
    finally:
        for conn, (proc, _, _) in running.items():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.join()
            conn.close()


def run_dask(tasks, address, retries, on_result, connect_timeout=20):
    try:
        import cloudpickle
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError as e:
        raise ToolError(f"--executor dask needs Debian's python3-distributed ({e})", EXIT_USAGE)
    # distributed logs a lost scheduler as tracebacks: the sweep reports it in one line instead
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    # Workers get this code by value: they need no copy of scripts/.
    cloudpickle.register_pickle_by_value(sweep_point)
    cloudpickle.register_pickle_by_value(common)
    try:
        client = Client(address, timeout=connect_timeout)
    except (OSError, TimeoutError, ValueError) as e:
        raise ToolError(f"--scheduler {address}: cannot connect to a Dask scheduler: {e}", EXIT_USAGE)
    run_id = uuid.uuid4().hex[:8]
    try:
        futures = {}
        for t in tasks:
            f = client.submit(sweep_point.run_task, t, key=f"lpusim-sweep-{t['point']}-{run_id}", pure=False,
                              retries=retries)
            futures[f] = t
        for f in as_completed(futures):
            task = futures[f]
            if f.status == "finished":
                row = f.result()
            elif f.status == "error":
                exc = f.exception()
                if isinstance(exc, KilledWorker):
                    row = sweep_point.failed_row(task, f"it killed every Dask worker that ran it (KilledWorker: "
                                                       f"the scheduler's allowed-failures reached): {exc}")
                elif isinstance(exc, (OSError, TimeoutError)) and client.status != "running":
                    raise SchedulerLost(f"lost the Dask scheduler at {address}: {exc}")
                else:
                    row = sweep_point.failed_row(task, f"the Dask task raised {type(exc).__name__}: {exc} "
                                                       f"({retries} retries)")
            else:  # cancelled: the scheduler went away (or forgot the task)
                raise SchedulerLost(f"lost the Dask scheduler at {address} (task {f.key} {f.status})")
            on_result(task, row)
    except (OSError, TimeoutError) as e:
        raise SchedulerLost(f"lost the Dask scheduler at {address}: {type(e).__name__}: {e}")
    finally:
        try:
            client.close(timeout=5)
        except Exception:  # closing a client whose scheduler is gone may raise anything
            pass
