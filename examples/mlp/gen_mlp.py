#!/usr/bin/python3
"""Generates a statically scheduled two-layer MLP for any chip config (docs/isa.md):

    Z1 = requant_i8(relu(X . W1 + B1), 1, 11, -3, half_even)      on MXM_E0 and the VXM
    Z2 = requant_i8(Z1 . W2 + B2, 1, 10, 5, half_away)             on MXM_E1 and the VXM

X is M x L int8 (L = lanes), W1 and W2 are L x L int8, B1 and B2 one row of L int32. Z1 never
goes back to MEM before layer 2: the VXM drives it east straight into MXM_E1's ABCs (MEM_E10
also writes a copy as it passes, for checking). Every cycle below follows from the config and
the timing rules; the script asserts the few orderings it relies on.

usage: gen_mlp.py CONFIG M OUT.s
"""
import math
import sys

import yaml

REQUANT1 = "requant i8 1 11 -3 half_even"
REQUANT2 = "requant i8 1 10 5 half_away"


def get(cfg, path, default):
    node = cfg
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def main():
    config_path, m, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cfg = yaml.safe_load(open(config_path))
    S = get(cfg, "chip.geometry.superlanes", None)
    G = get(cfg, "chip.geometry.lanes_per_superlane", 16)
    L = S * G
    planes = get(cfg, "chip.mxm.planes", 4)
    slices = get(cfg, "chip.mem.slices", 88)
    Q = get(cfg, "chip.mxm.install_rows_per_cycle", 16)
    A = get(cfg, "chip.mxm.array_latency", 1)
    R = get(cfg, "chip.mxm.acc_latency", 1)
    RL = get(cfg, "chip.mem.read_latency", 2)
    V = get(cfg, "chip.vxm.alu_latency", 1)
    T = math.ceil(L / Q)
    assert planes >= 4 and slices >= 22, "needs MXM_E0, MXM_E1 and 11 MEM slices per hemisphere"

    # Floorplan (docs/isa.md 2.1): west MXMs outermost first, SXM, MEMs, VXM, mirror.
    order = [f"MXM_W{i}" for i in reversed(range(planes // 2))] + ["SXM_W0"]
    order += [f"MEM_W{i}" for i in reversed(range(slices // 2))] + ["VXM"]
    order += [f"MEM_E{i}" for i in range(slices // 2)] + ["SXM_E0"] + [f"MXM_E{i}" for i in range(planes // 2)]
    pos = {name: p for p, name in enumerate(order)}
    pV, pE0, pE1 = pos["VXM"], pos["MXM_E0"], pos["MXM_E1"]
    queues = {}

    def emit(queue, start, lines):
        assert queue not in queues, queue
        assert start >= 0, (queue, start)
        queues[queue] = ([f"NOP {start}"] if start else []) + lines

    def reads(slice_, first, stream, rows, step=1, addr=0):
        return [f"Read 0x{addr:03x}, {stream}"] + ([f"Repeat {rows - 1}, 1, {step}" if step else f"Repeat {rows - 1}, 1"]
                                                  if rows > 1 else [])

    def repeat(instr, n):
        return [instr] + ([f"Repeat {n - 1}, 1"] if n > 1 else [])

    # ---- layer 1: weights W1 from MEM_E1 into MXM_E0, rows at cycles r + RL + hops ----
    lw1 = RL + pE0 - pos["MEM_E1"]
    emit("MEM_E1", 0, reads("MEM_E1", 0, "s0e", L))
    emit("MXM_E0.w", lw1, [f"LW 0, i8, s0e"] + ([f"Repeat {L - 1}, 1, 1"] if L > 1 else []) + ["IW"])
    iw1 = lw1 + L
    abc1 = iw1 + T  # first cycle an ABC sees the new weights everywhere (docs/isa.md 1.3)
    emit("MEM_E0", abc1 - RL - (pE0 - pos["MEM_E0"]), reads("MEM_E0", 0, "s1e", m))
    emit("MXM_E0.a", abc1, repeat("ABC i8, s1e", m))
    emit("MXM_E0.c", abc1 + A, repeat("ACC 0, set, emit, s4w", m))
    vx1 = abc1 + A + S + R + (pE0 - pV)  # row 0 of X.W1 at the VXM on s4w..s7w
    for k in range(4):  # bias byte plane k in MEM_Wk, k + 1 hops west of the VXM, on s(8+k)e
        emit(f"MEM_W{k}", vx1 - RL - (k + 1), reads(f"MEM_W{k}", 0, f"s{8 + k}e", m, step=0))
    emit("VXM.0", vx1, repeat("add i32, s4w, s8e, s12w", m))
    emit("VXM.1", vx1 + V, repeat("relu i32, s12w, s16w", m))
    emit("VXM.2", vx1 + 2 * V, repeat(f"{REQUANT1}, s16w, s20e", m))
    q1 = vx1 + 3 * V  # Z1 row 0 on s20e at the VXM
    emit("MEM_E10", q1 + pos["MEM_E10"] - pV, [f"Write 0x000, s20e"] + ([f"Repeat {m - 1}, 1, 1"] if m > 1 else []))

    # ---- layer 2: W2 from MEM_E6 into MXM_E1; Z1 arrives on s20e ----
    lw2 = RL + pE1 - pos["MEM_E6"]
    emit("MEM_E6", 0, reads("MEM_E6", 0, "s2e", L))
    emit("MXM_E1.w", lw2, [f"LW 0, i8, s2e"] + ([f"Repeat {L - 1}, 1, 1"] if L > 1 else []) + ["IW"])
    abc2 = q1 + (pE1 - pV)
    assert abc2 >= lw2 + L + T, "layer 2's weights would not be installed in time"
    emit("MXM_E1.a", abc2, repeat("ABC i8, s20e", m))
    emit("MXM_E1.c", abc2 + A, repeat("ACC 0, set, emit, s24w", m))
    vx2 = abc2 + A + S + R + (pE1 - pV)
    for k in range(4):  # B2 byte plane k in MEM_W(5+k), on s(28+k)e
        emit(f"MEM_W{5 + k}", vx2 - RL - (6 + k), reads(f"MEM_W{5 + k}", 0, f"s{28 + k}e", m, step=0))
    emit("VXM.3", vx2, repeat("add i32, s24w, s28e, s16e", m))
    emit("VXM.4", vx2 + V, repeat(f"{REQUANT2}, s16e, s21w", m))
    q2 = vx2 + 2 * V
    emit("MEM_W9", q2 + pV - pos["MEM_W9"], [f"Write 0x000, s21w"] + ([f"Repeat {m - 1}, 1, 1"] if m > 1 else []))

    with open(out_path, "w") as f:
        f.write(f"; Two-layer MLP for {config_path}: M = {m}, L = {L} (generated by examples/mlp/gen_mlp.py)\n")
        f.write(f".tensor X MEM_E0 0x000 {m} i8\n.tensor W1 MEM_E1 0x000 {L} i8\n.tensor W2 MEM_E6 0x000 {L} i8\n")
        f.write(f".tensor B1 MEM_W0 0x000 1 i32\n.tensor B2 MEM_W5 0x000 1 i32\n")
        f.write(f".tensor Z1 MEM_E10 0x000 {m} i8\n.tensor Z2 MEM_W9 0x000 {m} i8\n")
        for q, lines in queues.items():
            f.write(f".queue {q}\n" + "".join(f"    {line}\n" for line in lines))
    print(f"{out_path}: {sum(len(v) for v in queues.values())} instructions, last write issued at cycle "
          f"{q2 + pV - pos['MEM_W9'] + m - 1}")


if __name__ == "__main__":
    main()
