#!/usr/bin/python3
"""CTest campaign.binomial: scripts/lpusimtools/binomial.py's intervals against scipy's
(scipy.stats.binomtest(k, n).proportion_ci: method 'exact' is Clopper-Pearson, 'wilson' the score
interval), over k = 0 .. n for small n and spread k for large n, at 90, 95 and 99 %; and the
closed forms at k = 0 (upper bound 1 - (alpha/2)^(1/n)) and k = n.
"""
import os
import sys

import warnings

from scipy.stats import binomtest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from lpusimtools.binomial import clopper_pearson, wilson  # noqa: E402

warnings.filterwarnings("ignore", category=RuntimeWarning)  # scipy's own pmf at p = 0 or 1
bad = 0
cases = [(k, n) for n in (1, 2, 5, 20, 37) for k in range(n + 1)]
cases += [(k, n) for n in (400, 1000, 100000) for k in (0, 1, 2, 3, 10, n // 2, n - 1, n)]
for conf in (0.9, 0.95, 0.99):
    for k, n in cases:
        ref = binomtest(k, n).proportion_ci(confidence_level=conf, method="exact")
        lo, hi = clopper_pearson(k, n, conf)
        if abs(lo - ref.low) > 1e-9 + 1e-7 * ref.low or abs(hi - ref.high) > 1e-9 + 1e-7 * ref.high:
            print(f"FAIL Clopper-Pearson k={k} n={n} {conf}: ({lo}, {hi}), scipy ({ref.low}, {ref.high})")
            bad += 1
        ref = binomtest(k, n).proportion_ci(confidence_level=conf, method="wilson")
        lo, hi = wilson(k, n, conf)
        if abs(lo - ref.low) > 1e-12 or abs(hi - ref.high) > 1e-12:
            print(f"FAIL Wilson k={k} n={n} {conf}: ({lo}, {hi}), scipy ({ref.low}, {ref.high})")
            bad += 1
for n in (1, 10, 400, 10000):
    hi = clopper_pearson(0, n)[1]
    if abs(hi - (1 - 0.025 ** (1 / n))) > 1e-12:
        print(f"FAIL k=0 n={n}: upper {hi}")
        bad += 1
    if clopper_pearson(n, n)[1] != 1.0 or clopper_pearson(0, n)[0] != 0.0:
        print(f"FAIL the ends at n={n}")
        bad += 1
for k, n in ((-1, 5), (6, 5), (0, 0)):
    try:
        clopper_pearson(k, n)
        print(f"FAIL k={k} n={n} accepted")
        bad += 1
    except ValueError:
        pass
print(f"{len(cases) * 3} intervals checked: {'FAIL' if bad else 'ok'}")
sys.exit(1 if bad else 0)
