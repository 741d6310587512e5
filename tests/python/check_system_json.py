#!/usr/bin/python3
"""`lpusim system --json` on every shipped system (docs/system.md): the JSON parses, its figures are
consistent (pairs at each distance add up, the diameter is the last of them, ports add up), a
second run writes the same bytes, and the exit code says whether every published check passed.

usage: check_system_json.py LPUSIM SYSTEMS_DIR WORK_DIR
"""
import json
import pathlib
import subprocess
import sys


def run(lpusim, system, out):
    r = subprocess.run([lpusim, "system", "--system", str(system), "--json", str(out)],
                       capture_output=True, text=True, check=False)
    if r.returncode not in (0, 1):
        sys.exit(f"{system}: exit {r.returncode}\n{r.stderr}")
    return r.returncode, out.read_bytes()


def check(name, f, code):
    n = f["chips"]
    pairs = f["pairs_at_hops"]
    assert sum(pairs) + f["unreachable_pairs"] == n * (n - 1), name
    assert f["diameter"] == len(pairs) - 1 and (n == 1 or pairs[-1] > 0), name
    mean = sum(d * p for d, p in enumerate(pairs)) / max(1, sum(pairs))
    assert abs(mean - f["mean_distance"]) < 1e-6, name
    assert sum(f["ports_used_chips"].values()) == n, name
    assert sum(int(k) * v for k, v in f["ports_used_chips"].items()) == 2 * f["links"] == f["ports_used"], name
    assert f["bisection"]["links"] <= f["bisection"]["halving_links"], name
    assert sum(t["chips"] for t in f["types"]) == n, name
    assert code == (0 if all(c["pass"] for c in f["checks"]) else 1), name


def main():
    lpusim, systems, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    files = sorted(systems.glob("*.yaml"))
    assert len(files) >= 8, files
    for system in files:
        code, first = run(lpusim, system, work / (system.stem + ".json"))
        _, second = run(lpusim, system, work / (system.stem + ".again.json"))
        assert first == second, f"{system.name}: a second run wrote other figures"
        f = json.loads(first)
        check(system.name, f, code)
        print(f"{system.name}: {f['chips']} chips, {f['links']} links, diameter {f['diameter']}, "
              f"mean {f['mean_distance']:.4f}, bisection {f['bisection']['links']}, "
              f"checks {'pass' if code == 0 else 'FAIL'}")
    by_name = {s.stem: json.loads((work / (s.stem + ".json")).read_text()) for s in files}
    assert by_name["node-8"]["diameter"] == 1 and by_name["node-8"]["links"] == 28
    assert by_name["dragonfly-10440"]["diameter"] == 6
    assert not by_name["dragonfly-10440"]["checks"][2]["pass"]


if __name__ == "__main__":
    main()
