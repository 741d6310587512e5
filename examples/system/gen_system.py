#!/usr/bin/python3
"""Generates statically scheduled multi-chip programs for `lpusim run --system` (docs/system.md):
a program per chip, the system file, input tensors from a seed and the outputs numpy expects.

  pipeline   a layer-pipelined MLP: chip k of a chain holds layer k (W_k, B_k) and computes
             Z_k = requant_i8(relu(X_k . W_k + B_k)), sending every row of Z_k over a link to chip
             k + 1 as soon as the VXM has it; chip k + 1 receives it into MEM (its X) and runs its
             layer on it. Rows stream at the link's rate, so chip k works on later batches while
             chip k + 1 works on earlier ones. --chips 1..17: a fully connected node of tiny chips
             (16 C2C links each; 1: one chip, no links); --chips 72: a rack, the chain a path
             through all 72 chips.
  allreduce  an all-reduce of an int32 tensor over a node: reduce-scatter (every chip sends the
             other 7 their shards over all 7 of its links at once and adds the 7 it receives to
             its own on the VXM, int32 adds wrapping), then all-gather (every chip sends its summed
             shard to the other 7 on all 7 links at once). Every chip ends with the whole sum.
             On a rack, all 9 nodes do their own all-reduce at once (72 chips, 504 ports busy).
  multihop   a tensor from one chip of a rack to a chip at the rack's diameter (3 hops), forwarded
             row by row by the chips on the route (Receive into MEM, Read, Send).

Every cycle follows from the chip config and the system file: stream travel and unit latencies
(docs/isa.md) and each vector's arrival over its link, computed as the simulator defines it
(examples/system/lpusys.py). OUT gets system.yaml, programs/<chip>.s, inputs/*.npy,
expected/*.npy, run.json (the tensors to load and dump, for tests/python/check_system_example.py)
and schedule.json (the cycles the generator chose: sends, arrivals, receives, per chip and hop).

  gen_system.py pipeline  --chips 4 --out DIR [--batches 16] [--rows 8] [--cable-latency 216] [--seed 1]
  gen_system.py allreduce --out DIR [--system configs/systems/node-8-tiny.yaml] [--rows 2]
  gen_system.py multihop  --out DIR [--system configs/systems/rack-72-tiny.yaml] [--rows 8]
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lpusys import GenError, Program, System, positive  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = os.path.join(ROOT, "configs", "tiny.yaml")


# ---------------------------------------------------------------- numpy references

def wrap32(x):
    return ((x.astype(np.int64) + 2**31) % 2**32 - 2**31).astype(np.int32)


def round_half_even_shift(p, s):
    """round(p / 2^s), ties to even, exactly on int64 arrays (the VXM's requant, M = 1)."""
    q = p >> s
    r = p - (q << s)
    half = np.int64(1) << (s - 1)
    return q + ((r > half) | ((r == half) & ((q & 1) == 1)))


def layer(x, w, b):
    """requant_i8(relu(x . w + b), 1, shift, 0, half_even) and its shift: the least (at least 1)
    that brings the 99th percentile of relu(x . w + b) to 127 or below, so that a long chain of
    layers keeps its outputs spread over 0..127 instead of dying out or saturating."""
    y = np.maximum(wrap32(x.astype(np.int64) @ w.astype(np.int64) + b.astype(np.int64)).astype(np.int64), 0)
    top = int(np.percentile(y, 99))
    shift = max(1, (top // 127).bit_length())
    return np.clip(round_half_even_shift(y, shift), -128, 127).astype(np.int8), shift


# ---------------------------------------------------------------- output

class Out:
    def __init__(self, path, system_path):
        self.path = path
        shutil.rmtree(path, ignore_errors=True)
        for d in ("programs", "inputs", "expected"):
            os.makedirs(os.path.join(path, d))
        self.run = {"system": system_path, "programs": "programs", "load": [], "dump": []}

    def load(self, chip, tensor, array):
        f = f"inputs/{chip}.{tensor}.npy"
        np.save(os.path.join(self.path, f), array)
        self.run["load"].append([chip, tensor, f])

    def expect(self, chip, tensor, array):
        f = f"expected/{chip}.{tensor}.npy"
        np.save(os.path.join(self.path, f), array)
        self.run["dump"].append([chip, tensor, f])

    def finish(self, sysm, programs, schedule):
        for chip, prog in programs.items():
            with open(os.path.join(self.path, "programs", f"{chip}.s"), "w") as f:
                f.write(prog.text())
        with open(os.path.join(self.path, "run.json"), "w") as f:
            json.dump(self.run, f, indent=1)
            f.write("\n")
        t = sysm.timing  # None without links
        schedule["link"] = t and {"latency_ps": t.latency_ps, "busy_cycles": t.busy, "line_bits": t.line_bits,
                                  "receive_window": sysm.ct.window, "period_fs": sysm.clock.period_fs}
        schedule["instructions"] = sum(p.instructions() for p in programs.values())
        with open(os.path.join(self.path, "schedule.json"), "w") as f:
            json.dump(schedule, f, indent=1)
            f.write("\n")


def write_system(path, name, topology, cable_latency):
    with open(path, "w") as f:
        f.write(f"# Generated by examples/system/gen_system.py.\nversion: 1\nsystem:\n  name: {name}\n"
                f"  types:\n    tiny:\n      config: {TINY}\n  link_defaults:\n    cable_latency: {cable_latency}\n"
                f"  topology:\n{topology}")


def receive_slot(prog, sysm, port, arrival, after, slice_, addr):
    """The first cycle in [arrival, arrival + window], after `after`, in which C2C.port can Receive
    and `slice_` can write the vector (on a westbound stream from the C2C slice): (receive, write)."""
    ct = sysm.ct
    hops = ct.pos["C2C"] - ct.pos[slice_]
    for r in range(max(arrival, after + 1), arrival + ct.window + 1):
        w = r + ct.recv_latency + hops
        if prog.free(f"C2C.{port}", r) and prog.mem_ok("w", slice_, w, addr):
            return r, w
    raise GenError(f"{prog.title}: no cycle in the receive window of the vector arriving on C2C.{port} "
                   f"in cycle {arrival}")


def east(ct, base, k):
    """Byte plane k of a tensor placed at east MEM slice `base`, counted outward (docs/isa.md 3.4)."""
    i = int(base[len("MEM_E"):]) + k
    if i >= ct.half_mem:
        raise GenError(f"tensor at {base} needs MEM_E{i}: the chip has {ct.half_mem} east slices")
    return f"MEM_E{i}"


# ---------------------------------------------------------------- pipeline

def rack_path(sysm, nodes):
    """A path through all 72 chips of a rack, its nodes in the order `nodes`: each node entered at
    the chip the previous node's global link reaches and left from another chip (a node is fully
    connected, and every two nodes of a rack are joined by links from different chips)."""
    path, entry, k = [], None, sysm.chips_per_node
    for at, n in enumerate(nodes):
        chips = list(range(k * n, k * n + k))
        exit_ = nxt = None
        if at + 1 < len(nodes):
            for (a, _), (b, _) in sysm.links:
                for x, y in ((a, b), (b, a)):
                    if x // k == n and y // k == nodes[at + 1] and x != entry and exit_ is None:
                        exit_, nxt = x, y
        if entry is None:
            entry = next(c for c in chips if c != exit_)
        middle = [c for c in chips if c not in (entry, exit_)]
        path += [entry] + middle + ([exit_] if exit_ is not None else [])
        entry = nxt
    assert sorted(path) == list(range(len(sysm.names))) and all((a, b) in sysm.port for a, b in zip(path, path[1:]))
    return path


# Rack node orders for the pipeline's chain. `interleaved` alternates between the two halves of
# the rack, which two MPI ranks run (contiguous blocks of chips, models/system/RankExchange.h), so
# that the pipeline's busy stages are spread over both ranks instead of sweeping through one then
# the other.
NODE_ORDERS = {"in-order": [0, 1, 2, 3, 4, 5, 6, 7, 8], "interleaved": [0, 5, 1, 6, 2, 7, 3, 8, 4]}


def gen_pipeline(a):
    n = a.chips
    sys_path = os.path.join(a.out, "system.yaml")
    out = Out(a.out, "system.yaml")
    if n == 1:
        write_system(sys_path, "one-tiny", "    kind: custom\n  chips:\n    c0: {}\n", a.cable_latency)
    elif n == 72:
        write_system(sys_path, "rack-72-tiny", "    kind: rack\n    intra_rack_links: 4\n", a.cable_latency)
    else:
        write_system(sys_path, f"node-{n}-tiny", f"    kind: node\n    chips: {n}\n", a.cable_latency)
    sysm = System(sys_path, a.lpusim)
    ct = sysm.ct
    chain = rack_path(sysm, NODE_ORDERS[a.rack_order]) if n == 72 else list(range(n))
    rows = a.batches * a.rows
    if rows > ct.words_per_bank:
        raise GenError(f"{rows} rows do not fit one MEM bank ({ct.words_per_bank} words)")
    # Rows leave every chip at most one per `busy` cycles: a link carries one vector at a time.
    period = max(sysm.timing.busy, 1) if sysm.timing else 1
    rng = np.random.default_rng(a.seed)
    L = ct.L
    x = rng.integers(-128, 128, size=(rows, L), dtype=np.int8)
    p = ct.pos
    pX, pW, pMXM, pV, pC, pZ = p["MEM_E43"], p["MEM_E42"], p["MXM_E0"], p["VXM"], p["C2C"], p["MEM_E10"]
    programs, sched, sends = {}, {"workload": "pipeline", "chips": []}, None
    for k, c in enumerate(chain):
        name = sysm.names[c]
        w = rng.integers(-128, 128, size=(L, L), dtype=np.int8)
        b = rng.integers(-2000, 2000, size=(1, L), dtype=np.int32)
        z, shift = layer(x, w, b)
        req = f"requant i8 1 {shift} 0 half_even"
        prog = Program(ct, f"{name}: layer {k} of a {n}-chip pipelined MLP, {rows} rows "
                           f"(generated by examples/system/gen_system.py)")
        prog.tensor("X", "MEM_E43", 0, rows, "i8")
        prog.tensor("W", "MEM_E42", 0, L, "i8")
        prog.tensor("B", "MEM_W0", 0, 1, "i32")
        prog.tensor("Z", "MEM_E10", 0, rows, "i8")
        if k == 0:
            out.load(name, "X", x)
        else:
            out.expect(name, "X", x)  # what it received from chip k - 1
        out.load(name, "W", w)
        out.load(name, "B", b)
        out.expect(name, "Z", z)
        in_port = sysm.port[(c, chain[k - 1])][0] if k > 0 else None
        out_port = sysm.port[(c, chain[k + 1])][0] if k + 1 < n else None
        # Weights: row r read at r, on s0e at MXM_E0 RL + hops later; IW after the last LW.
        lw = ct.RL + pMXM - pW
        for r in range(L):
            prog.mem("r", "MEM_E42", r, r, "s0e")
            prog.put("MXM_E0.w", lw + r, f"LW {r}, i8, s0e")
        iw = lw + L
        prog.put("MXM_E0.w", iw, "IW")
        first_abc = iw + ct.T  # the first ABC that sees the whole install (docs/isa.md 1.3)
        # Receive: row i of X from chip k - 1 into MEM_E43 row i, on s24w.
        info = {"chip": name, "layer": k, "requant_shift": shift}
        ready = [0] * rows  # the first cycle a Read of X row i sees it
        if k > 0:
            info["receive"] = []
            after = -1
            for i, s in enumerate(sends):
                t = sysm.timing.arrival(s)
                r, wcyc = receive_slot(prog, sysm, in_port, t, after, "MEM_E43", i)
                prog.put(f"C2C.{in_port}", r, "Receive s24w")
                prog.mem("w", "MEM_E43", wcyc, i, "s24w")
                ready[i] = wcyc + ct.WL
                info["receive"].append([s, t, r])
                after = r
        # Rows: ABC at a, X read RL + hops before; ACC A after; the result at the VXM v; bias
        # planes from MEM_W0..3 (j + 1 hops west of the VXM) on s8e..s11e; add, relu, requant;
        # Z row on s20e at the VXM in q, written to MEM_E10 as it passes and sent from the C2C slice.
        x_lead = ct.RL + pMXM - pX
        my_sends, a_prev = [], -period
        for i in range(rows):
            a_ = max(first_abc, a_prev + period, ready[i] + x_lead)
            while True:
                v = a_ + ct.A + ct.S + ct.R + (pMXM - pV)
                q = v + 3 * ct.V
                s = q + pC - pV
                ok = prog.mem_ok("r", "MEM_E43", a_ - x_lead, i) and prog.free("MXM_E0.a", a_)
                ok = ok and (out_port is None or prog.free(f"C2C.{out_port}", s))
                if ok:
                    break
                a_ += 1
            prog.mem("r", "MEM_E43", a_ - x_lead, i, "s1e")
            prog.put("MXM_E0.a", a_, "ABC i8, s1e")
            prog.put("MXM_E0.c", a_ + ct.A, "ACC 0, set, emit, s4w")
            for j in range(4):
                prog.mem("r", f"MEM_W{j}", v - ct.RL - (j + 1), 0, f"s{8 + j}e")
            prog.put("VXM.0", v, "add i32, s4w, s8e, s12w")
            prog.put("VXM.1", v + ct.V, "relu i32, s12w, s16w")
            prog.put("VXM.2", v + 2 * ct.V, f"{req}, s16w, s20e")
            prog.mem("w", "MEM_E10", q + pZ - pV, i, "s20e")
            if out_port is not None:
                prog.put(f"C2C.{out_port}", s, "Send s20e")
                my_sends.append(s)
            a_prev = a_
        abcs = sorted(prog.queues["MXM_E0.a"])
        info.update({"in_port": in_port, "out_port": out_port, "abc": [abcs[0], abcs[-1]]})
        info["last_z_write"] = max(prog.queues["MEM_E10"])
        if my_sends:
            info["sends"] = [my_sends[0], my_sends[-1]]
        sched["chips"].append(info)
        programs[name] = prog
        sends, x = my_sends, z
    sched["chain"] = [sysm.names[c] for c in chain]
    sched["rows"], sched["period"], sched["macs"] = rows, period, n * rows * L * L
    out.finish(sysm, programs, sched)
    last = sched["chips"][-1]
    print(f"{a.out}: {n}-chip pipeline, {rows} rows ({a.batches} batches of {a.rows}), a row every {period} "
          f"cycles; {sched['instructions']} instructions; last chip's last Z row written in cycle "
          f"{last['last_z_write']}")


# ---------------------------------------------------------------- all-reduce

def gen_allreduce(a):
    sysm = System(os.path.abspath(a.system), a.lpusim)
    ct = sysm.ct
    # The nodes: one for a node system; a rack's 9, each doing its own all-reduce at once.
    if sysm.kind == "node":
        groups = [list(range(len(sysm.names)))]
    elif sysm.kind == "rack":
        k = sysm.chips_per_node
        groups = [list(range(k * g, k * g + k)) for g in range(len(sysm.names) // k)]
    else:
        raise GenError(f"{a.system}: allreduce needs a node or a rack, not kind '{sysm.kind}'")
    n = len(groups[0])
    local = {c: i for g in groups for i, c in enumerate(g)}  # a chip's number in its node
    node_of = {c: g for g in groups for c in g}
    out = Out(a.out, os.path.abspath(a.system))
    shard = a.rows
    rows = n * shard
    streams_needed = 4 * n  # every operand of the reduction on its own westbound int32 group
    if streams_needed > ct.west or n - 1 > ct.east - 4 or 4 * (n + 1) + 4 > ct.half_mem:
        raise GenError(f"a node of {n} chips needs {streams_needed} westbound streams and {4 * (n + 1) + 4} "
                       f"east MEM slices; chip '{ct.name}' has {ct.west} and {ct.half_mem}")
    rng = np.random.default_rng(a.seed)
    xs = [rng.integers(-2**31, 2**31, size=(rows, ct.L), dtype=np.int64).astype(np.int32)
          for _ in range(len(sysm.names))]
    totals = {id(g): wrap32(sum(xs[c].astype(np.int64) for c in g)) for g in groups}
    p = ct.pos
    pC, pV = p["C2C"], p["VXM"]
    X, Y = "MEM_E0", f"MEM_E{4 * n}"
    buf = [f"MEM_E{4 + 4 * q}" for q in range(n - 1)]  # received shards, by port
    progs = []
    for c in range(len(sysm.names)):
        prog = Program(ct, f"{sysm.names[c]}: all-reduce of an int32 {rows}x{ct.L} tensor over the {n} chips of "
                           f"its node (generated by examples/system/gen_system.py)")
        prog.tensor("X", X, 0, rows, "i32")
        for q in range(n - 1):
            prog.tensor(f"R{q}", buf[q], 0, shard, "i32")
        prog.tensor("Y", Y, 0, rows, "i32")
        out.load(sysm.names[c], "X", xs[c])
        out.expect(sysm.names[c], "Y", totals[id(node_of[c])])
        progs.append(prog)
    busy = sysm.timing.busy
    sched = {"workload": "allreduce", "chips": n, "nodes": len(groups), "rows": rows, "phases": {}}
    chips = range(len(sysm.names))

    def peers(c):
        return [j for j in node_of[c] if j != c]

    def send_vectors(c, port, vectors, earliest, stream):
        """Sends (slice, addr) vectors in order on C2C.port, each read onto `stream` just in time;
        returns their send cycles."""
        prog, out_cycles, s = progs[c], [], earliest
        for sl, addr in vectors:
            while True:
                rc = s - ct.RL - (pC - p[sl])
                if rc >= 0 and prog.free(f"C2C.{port}", s) and prog.mem_ok("r", sl, rc, addr):
                    break
                s += 1
            prog.mem("r", sl, rc, addr, stream)
            prog.put(f"C2C.{port}", s, f"Send {stream}")
            out_cycles.append(s)
            s += busy
        return out_cycles

    def receive_vectors(c, port, sends, targets, stream):
        """Receives the vectors sent in `sends` on C2C.port into (slice, addr) targets; returns the
        last write cycle."""
        prog, after, last = progs[c], -1, 0
        for s, (sl, addr) in zip(sends, targets):
            r, w = receive_slot(prog, sysm, port, sysm.timing.arrival(s), after, sl, addr)
            prog.put(f"C2C.{port}", r, f"Receive {stream}")
            prog.mem("w", sl, w, addr, stream)
            after, last = r, max(last, w)
        return last

    def planes(base, first_row, count):
        return [(east(ct, base, k), first_row + i) for i in range(count) for k in range(4)]

    # Reduce-scatter: chip c sends shard j of X to chip j on its port toward j, port p on s<p>e,
    # all ports at once; chip j writes it into R<q> (q: its port toward c).
    rs = {}
    for c in chips:
        for j in peers(c):
            pc, pj = sysm.port[(c, j)]
            rs[(c, j)] = send_vectors(c, pc, planes(X, local[j] * shard, shard), 0, f"s{pc}e")
    end1 = 0
    for c in chips:
        for j in peers(c):
            pc, pj = sysm.port[(c, j)]
            end1 = max(end1, receive_vectors(j, pj, rs[(c, j)], planes(buf[pj], 0, shard), f"s{pj}w"))
    sched["phases"]["reduce_scatter"] = {"first_send": min(min(v) for v in rs.values()),
                                         "last_send": max(max(v) for v in rs.values()), "last_write": end1}
    # Reduce, once every chip has written every received shard (so no westbound value of the
    # receives is still on the streams the operands use): row i's 8 operands (X's shard, R0..R6)
    # reach the VXM on westbound groups s0w.., s4w.., ..., operand m (m >= 2) m - 1 ALU latencies
    # after the first two, for the chain add, add(alu0), ..., add(alu5) -> s<8..11>e into Y.
    t0 = end1 + ct.WL + ct.RL + (p[east(ct, buf[-1], 3)] - pV) + 1
    end2 = 0
    for c in chips:
        prog = progs[c]
        operands = [(X, local[c] * shard)] + [(buf[q], 0) for q in range(n - 1)]
        for i in range(shard):
            e = t0 + i
            for m, (base, row0) in enumerate(operands):
                at = e + max(m - 1, 0) * ct.V
                for k in range(4):
                    sl = east(ct, base, k)
                    prog.mem("r", sl, at - ct.RL - (p[sl] - pV), row0 + i, f"s{4 * m + k}w")
            prog.put("VXM.0", e, f"add i32, s0w, s4w, {'s8e' if n == 2 else 'chain'}")
            for m in range(2, n):
                dst = "s8e" if m == n - 1 else "chain"
                prog.put(f"VXM.{m - 1}", e + (m - 1) * ct.V, f"add i32, alu{m - 2}, s{4 * m}w, {dst}")
            res = e + (n - 1) * ct.V  # the last add issues n - 2 ALU latencies after e, its result one later
            for k in range(4):
                sl = east(ct, Y, k)
                prog.mem("w", sl, res + p[sl] - pV, local[c] * shard + i, f"s{8 + k}e")
                end2 = max(end2, res + p[sl] - pV)
    sched["phases"]["reduce"] = {"first_add": t0, "last_write": end2}
    # All-gather: chip c reads its summed shard of Y onto s12e once per vector and all 7 ports
    # Send it in the same cycle; chip j receives it into Y's rows of shard c.
    ag = {}
    for c in chips:
        prog, s, cycles = progs[c], end2 + ct.WL + ct.RL + (pC - p[Y]) + 1, []
        ports = [sysm.port[(c, j)][0] for j in peers(c)]
        for sl, addr in planes(Y, local[c] * shard, shard):
            while True:
                rc = s - ct.RL - (pC - p[sl])
                if prog.mem_ok("r", sl, rc, addr) and all(prog.free(f"C2C.{q}", s) for q in ports):
                    break
                s += 1
            prog.mem("r", sl, rc, addr, "s12e")
            for q in ports:
                prog.put(f"C2C.{q}", s, "Send s12e")
            cycles.append(s)
            s += busy
        ag[c] = cycles
    end3 = 0
    for c in chips:
        for j in peers(c):
            pj = sysm.port[(j, c)][0]
            end3 = max(end3, receive_vectors(j, pj, ag[c], planes(Y, local[c] * shard, shard), f"s{pj}w"))
    sched["phases"]["all_gather"] = {"first_send": min(min(v) for v in ag.values()),
                                     "last_send": max(max(v) for v in ag.values()), "last_write": end3}
    out.finish(sysm, {sysm.names[c]: progs[c] for c in chips}, sched)
    print(f"{a.out}: all-reduce of {rows}x{ct.L} int32 over {n} chips in each of {len(groups)} nodes, {n - 1} links each; "
          f"{sched['instructions']} instructions; reduce-scatter sends {sched['phases']['reduce_scatter']}, "
          f"all-gather ends with the write in cycle {end3}")


# ---------------------------------------------------------------- multi-hop

def gen_multihop(a):
    sysm = System(os.path.abspath(a.system), a.lpusim)
    ct = sysm.ct
    out = Out(a.out, os.path.abspath(a.system))
    if a.source and a.source not in sysm.names:
        raise GenError(f"--source: no chip '{a.source}' in {a.system}")
    src = sysm.names.index(a.source) if a.source else 0
    dist, parent = sysm.distances(src)
    far = max(dist.values())
    dst = min(c for c, d in dist.items() if d == far)
    route = [dst]
    while route[-1] != src:
        route.append(parent[route[-1]])
    route.reverse()
    rows = a.rows
    rng = np.random.default_rng(a.seed)
    data = rng.integers(-128, 128, size=(rows, ct.L), dtype=np.int8)
    slice_ = f"MEM_E{ct.half_mem - 1}"  # the east slice nearest the C2C slice
    lead = ct.RL + ct.pos["C2C"] - ct.pos[slice_]  # a Read's cycle to the Send of its vector
    sends, hops, programs = None, [], {}
    for h, c in enumerate(route):
        name = sysm.names[c]
        role = "source" if h == 0 else "destination" if h == len(route) - 1 else f"hop {h}, forwarding"
        prog = Program(ct, f"{name}: {role} of a {len(route) - 1}-hop transfer of {rows} rows "
                           f"(generated by examples/system/gen_system.py)")
        prog.tensor("D", slice_, 0, rows, "i8")
        (out.load if h == 0 else out.expect)(name, "D", data)
        ready = [0] * rows
        hop = {"chip": name}
        if h > 0:
            port = sysm.port[(c, route[h - 1])][0]
            hop["in_port"], hop["arrivals"], hop["receives"] = port, [], []
            after = -1
            for i, s in enumerate(sends):
                t = sysm.timing.arrival(s)
                r, w = receive_slot(prog, sysm, port, t, after, slice_, i)
                prog.put(f"C2C.{port}", r, "Receive s0w")
                prog.mem("w", slice_, w, i, "s0w")
                ready[i], after = w + ct.WL, r
                hop["arrivals"].append(t)
                hop["receives"].append(r)
        if h + 1 < len(route):
            port = sysm.port[(c, route[h + 1])][0]
            hop["out_port"], my_sends, s = port, [], 0
            for i in range(rows):
                s = max(s, ready[i] + lead)
                while not (prog.free(f"C2C.{port}", s) and prog.mem_ok("r", slice_, s - lead, i)):
                    s += 1
                prog.mem("r", slice_, s - lead, i, "s0e")
                prog.put(f"C2C.{port}", s, "Send s0e")
                my_sends.append(s)
                s += sysm.timing.busy
            hop["sends"], sends = my_sends, my_sends
        hops.append(hop)
        programs[name] = prog
    for h in range(1, len(route)):
        # Cycles from a row's Send on the previous chip to its arrival, and to its Send onward.
        hops[h]["link_cycles"] = hops[h]["arrivals"][0] - hops[h - 1]["sends"][0]
        if "sends" in hops[h]:
            hops[h]["forward_cycles"] = hops[h]["sends"][0] - hops[h]["arrivals"][0]
    sched = {"workload": "multihop", "route": [sysm.names[c] for c in route], "hops": hops, "rows": rows}
    out.finish(sysm, programs, sched)
    print(f"{a.out}: {rows} rows from {sysm.names[src]} to {sysm.names[dst]} over {len(route) - 1} hops "
          f"({' -> '.join(sched['route'])}); first row sent in cycle {hops[0]['sends'][0]}, arrives in cycle "
          f"{hops[-1]['arrivals'][0]}; last row received in cycle {hops[-1]['receives'][-1]}")


# ---------------------------------------------------------------- command line

def cable_latency(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected cycles, got '{text}'")
    if not 0 <= v <= 10**6:
        raise argparse.ArgumentTypeError(f"{v} is not in [0, 1000000] (docs/system.md)")
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="workload", required=True)
    p = sub.add_parser("pipeline", help="layer-pipelined MLP over a chain of chips")
    p.add_argument("--chips", type=positive, required=True, help="chips (layers): 1 to 17 (a node), or 72 (a rack)")
    p.add_argument("--batches", type=positive, default=16, help="batches in flight (default 16)")
    p.add_argument("--rows", type=positive, default=8, help="rows per batch (default 8)")
    p.add_argument("--rack-order", choices=sorted(NODE_ORDERS), default="in-order",
                   help="72 chips: the order of the rack's nodes along the chain (default in-order)")
    p.add_argument("--cable-latency", type=cable_latency, default=216, metavar="CYCLES",
                   help="the links' cable_latency in the system file (default 216, as docs/system.md)")
    r = sub.add_parser("allreduce", help="int32 all-reduce over a node (every node of a rack) on all links at once")
    r.add_argument("--system", default=os.path.join(ROOT, "configs", "systems", "node-8-tiny.yaml"),
                   help="a node or rack system file (default configs/systems/node-8-tiny.yaml)")
    r.add_argument("--rows", type=positive, default=2, help="rows of int32 per chip's shard (default 2)")
    m = sub.add_parser("multihop", help="a tensor over the rack's diameter, forwarded hop by hop")
    m.add_argument("--system", default=os.path.join(ROOT, "configs", "systems", "rack-72-tiny.yaml"),
                   help="a rack system file (default configs/systems/rack-72-tiny.yaml)")
    m.add_argument("--rows", type=positive, default=8, help="rows of int8 to transfer (default 8)")
    m.add_argument("--source", help="the sending chip (default the first), e.g. n0.c0")
    for s in (p, r, m):
        s.add_argument("--out", required=True, help="output directory (replaced)")
        s.add_argument("--seed", type=int, default=1, help="seed of the inputs (default 1)")
        s.add_argument("--lpusim", default=os.environ.get("LPUSIM", os.path.join(ROOT, "build", "lpusim")),
                       help="the lpusim binary, which times the system's links (default $LPUSIM or build/lpusim)")
    a = ap.parse_args()
    if a.workload == "pipeline" and not (a.chips <= 17 or a.chips == 72):
        ap.error(f"--chips: {a.chips} is neither 1 to 17 (a node of tiny chips) nor 72 (a rack)")
    try:
        {"pipeline": gen_pipeline, "allreduce": gen_allreduce, "multihop": gen_multihop}[a.workload](a)
    except GenError as e:
        sys.exit(f"gen_system.py: {e}")


if __name__ == "__main__":
    main()
