#!/usr/bin/python3
"""Poison reach on a multi-hop transfer whose row is poisoned on more than one hop.

The differential run of `--link-errors poison` (models/session/PoisonReach) once complemented each
poisoned vector as it arrived, so a row poisoned on two hops came back to the first run's bytes
and the elements it reached were not reported (regress.py's job system:tiny:13: 8 elements wrong,
0 listed). The regression job checks every output against numpy and notes any differing element
the poison report does not list: this requires a poisoned run with no such note.

    check_poison_two_hops.py LPUSIM WORKDIR
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    lpusim, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "regress.py"), "--job", "system:tiny:13",
                        "--build-dir", str(lpusim.parent), "--out", str(work)], capture_output=True, text=True,
                       cwd=ROOT)
    if r.returncode != 0:
        sys.exit(f"regress.py failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    rows = [json.loads(line) for line in (work / "results.jsonl").read_text().splitlines() if line.strip()]
    if len(rows) != 1:
        sys.exit(f"expected one job, got {len(rows)}")
    row = rows[0]
    poisoned = int(row["params"].get("poisoned", 0))
    if poisoned < 2:
        sys.exit(f"the job poisoned {poisoned} vectors: it no longer tests a row poisoned on two hops")
    if row["status"] != "pass" or row["notes"]:
        sys.exit(f"status {row['status']}, notes {row['notes']}")
    print(f"ok: {poisoned} poisoned vectors, every differing element listed by the poison report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
