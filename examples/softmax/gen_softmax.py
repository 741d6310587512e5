#!/usr/bin/python3
"""Generates a statically scheduled row softmax for any chip config (docs/isa.md):

    Y[:, l] = softmax(X[:, l]),   Q = convert_f32_i8(Y * SCALE)

X is an N x L f32 tensor (L = lanes). The machine's natural layout is used: lane l holds one
independent row of the softmax, and the row's N elements arrive as N successive vectors (row j
of the tensor is element j of every lane's softmax). Per lane, on the VXM, in binary32:

    m   = max_j x_j                     running `max f32` (m = x_0, then m = max(x_j, m))
    e_j = exp(x_j - m)                  `sub f32`, `exp f32`; e_j in [0, 1], and 1 where x_j = m
    s   = sum_j e_j                     running `add f32` in order j = 0, 1, ... (s = e_0 first)
    inv = rsqrt(s * s)                  the VXM has no divide: 1/s = 1/sqrt(s^2). s >= 1 (the
                                        maximum contributes exp(0) = 1) and s <= N, so s * s
                                        neither overflows nor underflows; rsqrt's ~1 ulp error
                                        enters once (rsqrt(s)^2 would double it)
    y_j = e_j * inv                     `mul f32` -> Y (f32)
    q_j = convert f32 i8 (y_j * SCALE)  SCALE is a one-row f32 tensor (e.g. 127.0 everywhere)

Three passes over the data: X is read twice (for the max, then for exp), E is kept in MEM and
read back once s is known. A loop-carried value (the running max or sum) is an ALU reading its
own result from the stream it drives: an operation issued at t lands at t + alu_latency, so the
running operations, and everything that feeds them, issue every P = alu_latency cycles (every
cycle with the default latency 1). A value needed by N later operations (m, inv) is kept alive
the same way, by an ALU re-driving it every P cycles (`max f32, s, s, s` is the identity on
numbers). Every cycle below follows from the config; the script asserts what it relies on.

usage: gen_softmax.py CONFIG N OUT.s
"""
import os
import sys

import yaml

# Stream groups (an f32 occupies 4 consecutive streams of one direction, byte k on the k-th).
X_W = 0      # s0w..s3w   X from MEM_E0..E3 (both passes)
M_E = 0      # s0e..s3e   running max, then m kept alive
D_E = 4      # s4e..s7e   x - m
E_W = 4      # s4w..s7w   e = exp(x - m), to the sum and to MEM_W0..W3
S_E = 8      # s8e..s11e  running sum
SS_E = 12    # s12e..s15e s * s
INV_E = 16   # s16e..s19e inv = rsqrt(s * s), kept alive
ER_E = 20    # s20e..s23e E read back from MEM_W0..W3
Y_W = 8      # s8w..s11w  y, to MEM_W4..W7
SC_W = 12    # s12w..s15w SCALE from MEM_E4..E7
T_E = 24     # s24e..s27e y * SCALE
Q_W = 16     # s16w       q (i8), to MEM_W8


def get(cfg, path, default):
    node = cfg
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


class Queue:
    """One ICU queue's instructions as (issue cycle, text, address) and their NOP/Repeat form."""

    def __init__(self, name):
        self.name, self.items, self.notes = name, [], []

    def add(self, cycle, text, addr=None):
        assert cycle >= 0, (self.name, cycle, text)
        assert not self.items or cycle > self.items[-1][0], (self.name, cycle, text)
        self.items.append((cycle, text, addr))

    def lines(self):
        """Runs of one instruction at a constant spacing (and address step) become `Repeat`."""
        out, cur, i, items = [], 0, 0, self.items
        while i < len(items):
            c0, text, a0 = items[i]
            n, d, k = 1, None, None
            while i + n < len(items) and items[i + n][1] == text:
                dn = items[i + n][0] - items[i + n - 1][0]
                kn = None if a0 is None else items[i + n][2] - items[i + n - 1][2]
                if d is not None and (dn, kn) != (d, k):
                    break
                d, k = dn, kn
                n += 1
            if c0 > cur:
                out.append(f"NOP {c0 - cur}")
            out.append(text if a0 is None else text.format(f"0x{a0:03x}"))
            if n > 1:
                out.append(f"Repeat {n - 1}, {d}" + (f", {k}" if k else ""))
            cur = c0 + (n - 1) * (d or 0) + 1
            i += n
        return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gen_softmax.py CONFIG N OUT.s")
    config_path, out_path = sys.argv[1], sys.argv[3]
    try:
        n = int(sys.argv[2])
    except ValueError:
        sys.exit(f"gen_softmax.py: N must be an integer, got '{sys.argv[2]}'")
    try:
        cfg = yaml.safe_load(open(config_path))
    except (OSError, yaml.YAMLError) as e:
        sys.exit(f"gen_softmax.py: {config_path}: {e}")
    S = get(cfg, "chip.geometry.superlanes", None)
    G = get(cfg, "chip.geometry.lanes_per_superlane", 16)
    L = S * G
    planes = get(cfg, "chip.mxm.planes", 4)
    slices = get(cfg, "chip.mem.slices", 88)
    words = get(cfg, "chip.mem.banks", 2) * get(cfg, "chip.mem.words_per_bank", 4096)
    RL = get(cfg, "chip.mem.read_latency", 2)
    WL = get(cfg, "chip.mem.write_latency", 1)
    V = get(cfg, "chip.vxm.alu_latency", 1)
    alus = get(cfg, "chip.icu.vxm_queues", 16)
    east, west = get(cfg, "chip.streams.east", 32), get(cfg, "chip.streams.west", 32)
    if not 1 <= n <= words:
        sys.exit(f"gen_softmax.py: N = {n} out of range [1, {words}] (one MEM word per row)")
    for ok, why in ((slices // 2 >= 9, f"{slices} MEM slices: needs MEM_W0..W8 and MEM_E0..E7"),
                    (alus >= 10, f"{alus} VXM queues: needs VXM.0..VXM.9"),
                    (east >= T_E + 4 and west >= Q_W + 1,
                     f"{east} east and {west} west streams: needs s0e..s{T_E + 3}e and s0w..s{Q_W}w")):
        if not ok:
            sys.exit(f"gen_softmax.py: {config_path}: {why}")
    P = V  # issue period of everything on the loop-carried path (see the docstring)

    # Floorplan (docs/isa.md 2.1): MEM_Ek and MEM_Wk are k + 1 hops from the VXM.
    order = [f"MXM_W{i}" for i in reversed(range(planes // 2))] + ["SXM_W0"]
    order += [f"MEM_W{i}" for i in reversed(range(slices // 2))] + ["VXM"]
    order += [f"MEM_E{i}" for i in range(slices // 2)] + ["SXM_E0"] + [f"MXM_E{i}" for i in range(planes // 2)]
    pos = {name: p for p, name in enumerate(order)}

    def hops(mem):
        return abs(pos[mem] - pos["VXM"])

    queues = {}

    def q(name):
        return queues.setdefault(name, Queue(name))

    def read_to_vxm(slice_base, first, stream, at_vxm, addr, step=1):
        """Reads of an f32 (4 byte planes from slice_base + k) that reach the VXM at at_vxm[j]."""
        for k in range(4):
            mem = f"{slice_base}{first + k}"
            for j, t in enumerate(at_vxm):
                q(mem).add(t - RL - hops(mem), f"Read {{}}, s{stream + k}{'w' if slice_base == 'MEM_E' else 'e'}",
                           addr + j * step)

    def write_from_vxm(slice_base, first, stream, at_vxm, nplanes=4):
        """Writes of rows driven at the VXM at at_vxm[j] into slice_base + first + k as they pass."""
        for k in range(nplanes):
            mem = f"{slice_base}{first + k}"
            for j, t in enumerate(at_vxm):
                q(mem).add(t + hops(mem), f"Write {{}}, s{stream + k}{'w' if slice_base == 'MEM_W' else 'e'}", j)

    def f32(first, d):
        """The f32 stream group starting at s<first><d>, as an operand names it."""
        return f"s{first}{d}"

    # ---- pass 1: m = max_j x_j on VXM.0 ----
    a0 = RL + hops("MEM_E3")                      # first cycle every plane of X row 0 can be at the VXM
    pass1 = [a0 + P * j for j in range(n)]
    read_to_vxm("MEM_E", 0, X_W, pass1, 0)
    q("VXM.0").add(pass1[0], f"max f32, {f32(X_W, 'w')}, {f32(X_W, 'w')}, {f32(M_E, 'e')}")  # m = x_0
    for t in pass1[1:]:
        q("VXM.0").add(t, f"max f32, {f32(X_W, 'w')}, {f32(M_E, 'e')}, {f32(M_E, 'e')}")
    m_at = pass1[-1] + V                          # final m on s0e at the VXM

    # ---- pass 2: e_j = exp(x_j - m), s = sum e_j; E to MEM_W0..W3 ----
    pass2 = [m_at + P * j for j in range(n)]      # m is there at m_at, then kept alive every P
    read_to_vxm("MEM_E", 0, X_W, pass2, 0)
    for t in pass2[:-1]:  # m re-driven so that it is on s0e again at t + P
        q("VXM.0").add(t, f"max f32, {f32(M_E, 'e')}, {f32(M_E, 'e')}, {f32(M_E, 'e')}")
    for t in pass2:
        q("VXM.1").add(t, f"sub f32, {f32(X_W, 'w')}, {f32(M_E, 'e')}, {f32(D_E, 'e')}")
        q("VXM.2").add(t + V, f"exp f32, {f32(D_E, 'e')}, {f32(E_W, 'w')}")
    e_at = [t + 2 * V for t in pass2]             # e_j on s4w..s7w at the VXM
    q("VXM.3").add(e_at[0], f"max f32, {f32(E_W, 'w')}, {f32(E_W, 'w')}, {f32(S_E, 'e')}")  # s = e_0
    for t in e_at[1:]:
        q("VXM.3").add(t, f"add f32, {f32(S_E, 'e')}, {f32(E_W, 'w')}, {f32(S_E, 'e')}")
    write_from_vxm("MEM_W", 0, E_W, e_at)
    s_at = e_at[-1] + V
    q("VXM.4").add(s_at, f"mul f32, {f32(S_E, 'e')}, {f32(S_E, 'e')}, {f32(SS_E, 'e')}")
    q("VXM.5").add(s_at + V, f"rsqrt f32, {f32(SS_E, 'e')}, {f32(INV_E, 'e')}")
    inv_at = s_at + 2 * V

    # ---- pass 3: y_j = e_j * inv, q_j = convert(y_j * SCALE) ----
    # E's reads must come after its last write has committed (then no read and write of a slice
    # share a bank in one cycle, docs/mem.md 3): plane k is written at e_at[-1] + hops and
    # readable WL cycles later; its read reaches the VXM RL + hops after issue.
    ready = max(e_at[-1] + 2 * hops(f"MEM_W{k}") + WL + RL for k in range(4))
    c0 = inv_at + max(0, -(-(ready - inv_at) // P)) * P  # on inv's period
    pass3 = [c0 + P * j for j in range(n)]
    for t in range(inv_at, pass3[-1], P):
        q("VXM.6").add(t, f"max f32, {f32(INV_E, 'e')}, {f32(INV_E, 'e')}, {f32(INV_E, 'e')}")
    read_to_vxm("MEM_W", 0, ER_E, pass3, 0)
    for t in pass3:
        q("VXM.7").add(t, f"mul f32, {f32(ER_E, 'e')}, {f32(INV_E, 'e')}, {f32(Y_W, 'w')}")
    y_at = [t + V for t in pass3]
    write_from_vxm("MEM_W", 4, Y_W, y_at)
    read_to_vxm("MEM_E", 4, SC_W, y_at, 0, step=0)
    for t in y_at:
        q("VXM.8").add(t, f"mul f32, {f32(Y_W, 'w')}, {f32(SC_W, 'w')}, {f32(T_E, 'e')}")
        q("VXM.9").add(t + V, f"convert f32 i8, {f32(T_E, 'e')}, s{Q_W}w")
    q_at = [t + 2 * V for t in y_at]
    write_from_vxm("MEM_W", 8, Q_W, q_at, nplanes=1)
    last = q_at[-1] + hops("MEM_W8")

    notes = {
        "MEM_E0": f"X rows, twice: reach the VXM at {pass1[0]} + {P}j (max) and {pass2[0]} + {P}j (exp)",
        "VXM.0": f"m = x_0, m = max(x_j, m) at {pass1[0]} + {P}j; then m re-driven every {P} until {pass2[-1]}",
        "VXM.1": f"d_j = x_j - m at {pass2[0]} + {P}j",
        "VXM.2": f"e_j = exp(d_j) at {pass2[0] + V} + {P}j",
        "VXM.3": f"s = e_0, s = s + e_j at {e_at[0]} + {P}j; final s at {s_at}",
        "VXM.4": f"s * s at {s_at}",
        "VXM.5": f"inv = rsqrt(s * s) at {s_at + V}, on s{INV_E}e from {inv_at}",
        "VXM.6": f"inv re-driven every {P} until the last y",
        "VXM.7": f"y_j = e_j * inv at {pass3[0]} + {P}j",
        "VXM.8": f"y_j * SCALE at {y_at[0]} + {P}j",
        "VXM.9": f"q_j = convert f32 i8 at {y_at[0] + V} + {P}j",
        "MEM_W0": f"E rows written as they pass ({e_at[0]} + {P}j + hops), read back for y from {pass3[0]} - RL - hops",
        "MEM_W4": f"Y row j written at {y_at[0]} + {P}j + hops",
        "MEM_E4": "SCALE (one row) read for every y",
        "MEM_W8": f"Q row j written at {q_at[0]} + {P}j + 9",
    }
    with open(out_path, "w") as f:
        f.write(f"; Row softmax for {os.path.basename(config_path)}: N = {n} elements per row, one row per lane, L = {L} lanes\n")
        f.write("; (generated by examples/softmax/gen_softmax.py; the dataflow is in its docstring).\n")
        f.write(f"; Latencies: MEM read {RL}, MEM write {WL}, VXM ALU {V}; issue period P = {P} on the\n")
        f.write("; loop-carried path. MEM_Ek / MEM_Wk are k + 1 hops from the VXM; a Read at t reaches\n")
        f.write("; the VXM at t + RL + hops, a VXM result driven at t reaches MEM_Wk at t + hops.\n")
        f.write(f"; Timeline: max pass {pass1[0]}..{pass1[-1]}, exp/sum pass {pass2[0]}..{e_at[-1]}, "
                f"1/s at {s_at}..{inv_at}, y pass {pass3[0]}..{pass3[-1]}, last write at {last}.\n")
        tensors = [(f"X MEM_E0 0x000 {n} f32", "input: row j is element j of every lane's softmax"),
                   ("SCALE MEM_E4 0x000 1 f32", "quantisation scale per lane (e.g. 127.0)"),
                   (f"E MEM_W0 0x000 {n} f32", "exp(x - m), kept for the last pass"),
                   (f"Y MEM_W4 0x000 {n} f32", "softmax"),
                   (f"Q MEM_W8 0x000 {n} i8", "convert_f32_i8(Y * SCALE)")]
        width = max(len(t) for t, _ in tensors)
        f.write("".join(f".tensor {t:<{width}}  ; {why}\n" for t, why in tensors))
        def key(name):  # MEM_E, MEM_W, VXM; numerically within each
            base = name.rstrip("0123456789")
            return base, int(name[len(base):])
        for name in sorted(queues, key=key):
            f.write(f".queue {name}" + (f"    ; {notes[name]}" if name in notes else "") + "\n")
            f.write("".join(f"    {line}\n" for line in queues[name].lines()))
    print(f"{out_path}: {sum(len(v.lines()) for v in queues.values())} instructions, last write issued at cycle {last}")


if __name__ == "__main__":
    main()
