#!/usr/bin/python3
"""The issue 9 inputs too big to check in, generated here and run through the lpusim command
line: each must be refused quickly (exit 3) with a short `file[:line:col]: reason` message.

    fuzz/hostile_inputs.py LPUSIM SOURCE_DIR WORK_DIR

Every case: exit code 3, stderr matching the expected pattern, stderr under 2,000 bytes (long
tokens are cut), at most 5 s and, for the YAML limits, no more than a few MB read."""
import os
import re
import subprocess
import sys
import time


def main():
    lpusim, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    tiny = os.path.join(src, "configs", "tiny.yaml")
    gemm = os.path.join(src, "examples", "gemm", "gemm_tiny.s")

    def write(name, data):
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return path

    big = 10 * 1024 * 1024  # a 10 MB token
    half = 500 * 1000       # a token that fits under the 1 MiB YAML limit
    cases = []
    # A 50 MB config holding a 13 M-item list under an unknown key: refused for its size,
    # without building the tree (was 49 s and 6.4 GiB).
    p = write("huge-list.yaml", "version: 1\nchip:\n  nonsense: [" + "1,  " * (13 * 1000 * 1000) + "1]\n")
    cases.append(("50 MB config", ["config", p], r"huge-list\.yaml: \d+ bytes, more than the 1048576 \(1 MiB\) a config file may have"))
    p = write("huge-list-workload.yaml", "version: 1\nworkload:\n  junk: [" + "1,  " * (13 * 1000 * 1000) + "1]\n")
    cases.append(("50 MB workload", ["compile", "--config", tiny, "--workload", p, "-o", os.path.join(work, "w.s")],
                  r"huge-list-workload\.yaml: \d+ bytes, more than the 1048576 \(1 MiB\) a workload file may have"))
    # Just under the size limit, a list of 500 k items: refused by the node limit.
    p = write("many-nodes.yaml", "version: 1\nchip:\n  nonsense: [" + "1," * 500000 + "1]\n")
    cases.append(("500 k nodes", ["config", p], r"many-nodes\.yaml:3:\d+: more than 100000 YAML nodes"))
    # 100 k levels of nesting (was "YAML syntax error: bad file").
    p = write("deep.yaml", "version: 1\nchip: " + "[" * 100000 + "]" * 100000 + "\n")
    cases.append(("100 k-deep config", ["config", p], r"deep\.yaml:2:\d+: nesting deeper than 64 levels"))
    p = write("deep-block.yaml", "".join(" " * i + "k:\n" for i in range(200)))
    cases.append(("200-deep block map", ["config", p], r"deep-block\.yaml:\d+:\d+: nesting deeper than 64 levels"))
    p = write("deep-workload.yaml", "version: 1\nworkload: " + "{a: " * 100000 + "}" * 100000 + "\n")
    cases.append(("100 k-deep workload", ["compile", "--config", tiny, "--workload", p, "-o", os.path.join(work, "w.s")],
                  r"deep-workload\.yaml:2:\d+: nesting deeper than 64 levels"))
    # Long tokens are cut in messages: keys, values, names.
    # (An implicit YAML key is at most 1024 characters: longer ones are explicit, `? KEY`.)
    p = write("long-key.yaml", "version: 1\nchip:\n  ? " + "k" * half + "\n  : 1\n")
    cases.append(("500 kB config key", ["config", p],
                  r"long-key\.yaml:3:5: chip\.k{40}\.\.\. \(500000 characters\): unknown key"))
    p = write("long-value.yaml", "version: 1\nchip:\n  clock_mhz: " + "9" * half + "x\n")
    cases.append(("500 kB config value", ["config", p],
                  r"chip\.clock_mhz: expected a number, got '9{40}\.\.\.' \(500001 characters\)"))
    name = "T" * half
    p = write("long-name.yaml", "version: 1\nworkload:\n  name: w\n  tensors:\n    ? " + name +
              "\n    : {shape: [4, 16], type: i8}\n  layers:\n    - {name: r, op: relu, a: " + name +
              "x, out: Y}\n  outputs: [Y]\n")
    cases.append(("500 kB tensor name", ["compile", "--config", tiny, "--workload", p, "-o", os.path.join(work, "w.s")],
                  r"tensor 'T{40}\.\.\.' \(500001 characters\) is not defined; defined so far: T{40}\.\.\. \(500000 characters\)"))
    p = write("long-mnemonic.s", ".queue MEM_E0\n " + "R" * big + " 0, s0e\n")
    cases.append(("10 MB mnemonic", ["asm", "--config", tiny, p],
                  r"long-mnemonic\.s:2:2: unknown instruction 'R{40}\.\.\.' \(10485760 characters\)"))
    p = write("long-number.s", ".queue MEM_E0\n Read -" + "0" * big + "1, s0e\n")
    cases.append(("10 MB number", ["asm", "--config", tiny, p],
                  r"long-number\.s:2:7: expected word address \(decimal or 0x hex\), got '-0{39}\.\.\.' \(10485762 characters\)"))
    p = write("long-stream.s", ".queue MEM_E0\n Read 0x000, s" + "9" * big + "e\n")
    cases.append(("10 MB stream index", ["asm", "--config", tiny, p],
                  r"long-stream\.s:2:14: stream s9{39}\.\.\. \(10485762 characters\) does not exist"))
    header = ("{'descr': '<" + "x" * half + "', 'fortran_order': False, 'shape': (4, 16), }").encode()
    header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
    p = write("long-descr.npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header
              if len(header) < 65536 else b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") + header)
    cases.append(("500 kB npy descr", ["run", "--config", tiny, "--program", gemm,
                                       "--load", "X=" + p],
                  r"long-descr\.npy: unsupported dtype '<x{39}\.\.\.' \(500001 characters\)"))

    failed = 0
    for label, args, pattern in cases:
        start = time.monotonic()
        try:
            r = subprocess.run([lpusim] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        except subprocess.TimeoutExpired:
            print("FAIL %-22s still running after 30 s" % label)
            failed += 1
            continue
        seconds = time.monotonic() - start
        err = r.stderr.decode(errors="replace")
        problems = []
        if r.returncode != 3:
            problems.append("exit %d, expected 3" % r.returncode)
        if not re.search(pattern, err):
            problems.append("stderr does not match %r" % pattern)
        if len(r.stderr) > 2000:
            problems.append("stderr is %d bytes" % len(r.stderr))
        if seconds > 5:
            problems.append("took %.1f s" % seconds)
        status = "FAIL" if problems else "ok"
        print("%-4s %-22s %5.2f s  %s" % (status, label, seconds, err.strip()[:300]))
        for pr in problems:
            print("       " + pr)
        failed += bool(problems)
    if not failed:  # 130 MB of generated files: keep them only to look at a failure
        for name in os.listdir(work):
            os.remove(os.path.join(work, name))
    print("%d passed, %d failed" % (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
