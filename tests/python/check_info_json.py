#!/usr/bin/python3
"""CTest cli.info-json: `lpusim info --json` against the config's parameters.

    check_info_json.py LPUSIM WORKDIR CONFIG...

For every CONFIG and for a generated config with non-round parameters (a clock of 1234.5 MHz,
25.78125 Gb/s lanes, 3 lanes per link, an fp16 interval of 3, 10 MEM slices of 1000 words), every
figure of the JSON must equal the formula written out in Python (scripts/lpusimtools/figures.py,
independent of models/spec/ChipInfo.cpp) from the parameters `lpusim config` resolves, carry its
SI unit and a formula, and say the same as the text table. Also: the same bytes twice; a failed
run (bad config, an unwritable path, a directory) exits 3 and leaves an existing file untouched.
"""
import json
import math
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from lpusimtools.figures import expected_chip_figures  # noqa: E402

import yaml  # noqa: E402

UNITS = {"clock": "Hz", "lanes": "lanes", "peak_int8": "ops/s", "peak_fp16": "FLOP/s", "sram_capacity": "B",
         "sram_bandwidth": "B/s", "stream_bandwidth": "B/s", "c2c_bandwidth_per_direction": "B/s",
         "c2c_bandwidth": "B/s", "c2c_vector_cycles": "cycles"}
PREFIX = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30,
          "Ti": 2 ** 40}
from soft_checks import check, failures  # noqa: E402  (tests/python, the script's own folder)


def run(lpusim, *args):
    return subprocess.run([lpusim, *map(str, args)], capture_output=True, text=True)


def text_values(stdout):
    """The text table's figures: name -> value (its scaled text read back)."""
    out = {}
    for line in stdout.splitlines()[1:]:
        m = re.match(r"(\S+)\s+([-\d.]+) (\w*?)(i?)(lanes|cycles|Hz|ops/s|FLOP/s|B/s|B)\s", line + " ")
        if not m:
            continue
        name, num, prefix, binary, _ = m.groups()
        out[name] = float(num) * PREFIX[prefix + binary]
    return out


def check_config(lpusim, config, work):
    out = work / (pathlib.Path(config).stem + ".json")
    proc = run(lpusim, "info", "--config", config, "--json", out)
    check(proc.returncode == 0, f"{config}: exit {proc.returncode}: {proc.stderr.strip()}")
    if proc.returncode:
        return
    doc = json.loads(out.read_text())
    resolved = yaml.safe_load(run(lpusim, "config", config).stdout)
    want = expected_chip_figures(resolved)
    check(doc["chip"] == resolved["chip"]["name"], f"{config}: chip {doc['chip']!r}")
    check(doc["config"] == str(config), f"{config}: config {doc['config']!r}")
    check(list(doc["figures"]) == list(UNITS), f"{config}: figures {list(doc['figures'])}")
    shown = text_values(proc.stdout)
    for name, value in want.items():
        f = doc["figures"].get(name)
        if f is None:
            check(False, f"{config}: no figure {name}")
            continue
        got = f["value"]
        check(math.isclose(got, value, rel_tol=1e-12), f"{config}: {name} = {got!r}, the formula gives {value!r}")
        check(f["unit"] == UNITS[name], f"{config}: {name} unit {f['unit']!r}, expected {UNITS[name]!r}")
        check(isinstance(f["formula"], str) and f["formula"], f"{config}: {name} has no formula")
        check(name in shown and math.isclose(shown[name], got, rel_tol=5e-3),
              f"{config}: the text table shows {name} as {shown.get(name)!r}, the JSON {got!r}")
    again = work / (pathlib.Path(config).stem + ".again.json")
    run(lpusim, "info", "--config", config, "--json", again)
    check(again.read_bytes() == out.read_bytes(), f"{config}: a second run wrote other bytes")


def main():
    lpusim, work = sys.argv[1], pathlib.Path(sys.argv[2])
    configs = sys.argv[3:]
    work.mkdir(parents=True, exist_ok=True)
    odd = work / "odd-figures.yaml"
    odd.write_text("version: 1\nchip:\n  name: odd-figures\n  clock_mhz: 1234.5\n  geometry: {superlanes: 3}\n"
                   "  mxm: {planes: 6, rows: 48, cols: 48, fp16_issue_interval: 3}\n"
                   "  mem: {slices: 10, words_per_bank: 1000, page_words: 8}\n  streams: {east: 7, west: 5}\n"
                   "  c2c: {links: 9, lanes_per_link: 3, gbps_per_lane: 25.78125}\n")
    for config in configs + [odd]:
        check_config(lpusim, config, work)

    # A failed run leaves an existing file as it was and exits 3.
    keep = work / "keep.json"
    keep.write_text("untouched\n")
    bad = work / "bad.yaml"
    bad.write_text("version: 1\nchip:\n  mxm: {planes: 0}\n")
    proc = run(lpusim, "info", "--config", bad, "--json", keep)
    check(proc.returncode == 3 and "chip.mxm.planes" in proc.stderr, f"bad config: exit {proc.returncode}, "
          f"{proc.stderr.strip()!r}")
    check(keep.read_text() == "untouched\n", "a failed run changed the --json file")
    for target, why in ((work / "no-such-dir" / "x.json", "cannot write"), (work, "is a directory")):
        proc = run(lpusim, "info", "--config", configs[0], "--json", target)
        check(proc.returncode == 3 and why in proc.stderr, f"--json {target}: exit {proc.returncode}, "
              f"{proc.stderr.strip()!r}")
    check(not list(work.glob("*.tmp.*")), f"temporary files left: {list(work.glob('*.tmp.*'))}")
    print(f"{len(configs) + 1} configs checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
