#!/usr/bin/python3
"""numpy reads lpusim's --results file: right dtype and shape, and the values the --log recorded."""
import pathlib
import subprocess
import sys

import numpy as np

lpusim, config, workdir = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
workdir.mkdir(parents=True, exist_ok=True)
log, npy = workdir / "run.log", workdir / "run.npy"
subprocess.run([lpusim, "cosim", "mxm", "--config", config, "--seed", "4", "--ops", "1500",
                "--log", str(log), "--results", str(npy)], check=True)

results = np.load(npy)
logged = [list(map(int, line.split(":", 1)[1].split()))
          for line in log.read_text().splitlines() if line.startswith("R ")]
assert results.dtype == np.int32, results.dtype
assert results.ndim == 2 and results.shape[0] == len(logged) > 0, (results.shape, len(logged))
assert (results == np.array(logged, dtype=np.int64)).all(), "npy values differ from the log"
assert np.count_nonzero(results) > 0
print(f"ok: {results.shape[0]} result vectors of {results.shape[1]} int32 read by numpy")
