#!/usr/bin/python3
"""A rank that dies ends the whole run (docs/system.md, "Running over MPI").

Starts a long system run (two tiny chips passing a vector every 8 cycles for millions of cycles)
under `mpirun -np 2`, kills rank 1 with SIGKILL once the run is under way, and requires that the
job ends within a timeout (no rank hangs in a collective), with a non-zero exit and a message
naming the dead process, and that none of the run's outputs was written (they are written
atomically after a successful run only).

    check_rank_death.py LPUSIM MPIRUN SYSTEM WORKDIR
"""
import os
import shutil
import signal
import subprocess
import sys
import time

VECTORS = 3_000_000  # ~24 M cycles: seconds of simulation, far more than the kill takes
PERIOD = 8           # cycles between Sends (a tiny chip's vector holds its link 4)


def programs(d):
    """Chip c0 sends word 0 of `a` every PERIOD cycles; c1 receives each one as it arrives (cycle
    226 for the first, tests/unit/test_system.cpp has the arithmetic) and writes it to `b`."""
    with open(os.path.join(d, "c0.s"), "w") as f:
        f.write(f".tensor a MEM_E43 0 1 i8\n.queue MEM_E43\n Read 0, s0e\n Repeat {VECTORS - 1}, {PERIOD}\n"
                f".queue C2C.0\n NOP 6\n Send s0e\n Repeat {VECTORS - 1}, {PERIOD}\n")
    with open(os.path.join(d, "c1.s"), "w") as f:
        f.write(f".tensor b MEM_E43 0 4 i8\n.queue C2C.0\n NOP 226\n Receive s0w\n Repeat {VECTORS - 1}, {PERIOD}\n"
                f".queue MEM_E43\n NOP 231\n Write 3, s0w\n Repeat {VECTORS - 1}, {PERIOD}\n")


def rank_pids(launcher_pid):
    """The processes this mpirun started (its children: other jobs may run beside it), by rank."""
    ranks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
        except (OSError, ValueError, IndexError):
            continue
        if ppid == launcher_pid and b"OMPI_COMM_WORLD_RANK" in env:
            ranks[int(env[b"OMPI_COMM_WORLD_RANK"])] = int(pid)
    return ranks


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    lpusim, mpirun, system, work = sys.argv[1:]
    if not mpirun:
        print("no mpirun: skipped")
        sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    progs = os.path.join(work, "programs")
    os.makedirs(progs)
    programs(progs)
    stats = os.path.join(work, "stats.json")
    cmd = [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "2", lpusim, "run", "--system", system,
           "--programs", progs, "--stats", stats, "--dump", "c1:b=" + os.path.join(work, "b.npy")]
    job = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 30
    ranks = {}
    while len(ranks) < 2 and time.time() < deadline and job.poll() is None:
        time.sleep(0.2)
        ranks = rank_pids(job.pid)
    if len(ranks) < 2:
        job.kill()
        sys.exit(f"FAIL: did not see both ranks start (saw {ranks}); job: {job.communicate()[0]}")
    time.sleep(1.0)  # under way: both ranks are exchanging windows
    if job.poll() is not None:
        sys.exit(f"FAIL: the run ended before the kill; make it longer\n{job.communicate()[0]}")
    os.kill(ranks[1], signal.SIGKILL)
    try:
        out, _ = job.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        job.kill()
        for pid in rank_pids(job.pid).values():
            os.kill(pid, signal.SIGKILL)
        sys.exit("FAIL: the job still ran 60 s after rank 1 died (a rank hangs)")
    if job.returncode == 0:
        sys.exit(f"FAIL: exit 0 although rank 1 died\n{out}")
    if "signal 9" not in out and "Killed" not in out:
        sys.exit(f"FAIL: the job's output does not say a process was killed\n{out}")
    left = [f for f in os.listdir(work) if f != "programs"]
    if left:
        sys.exit(f"FAIL: outputs written by a failed run: {left}")
    print(f"PASS: exit {job.returncode} after rank 1 (pid {ranks[1]}) was killed; no output written")


if __name__ == "__main__":
    main()
