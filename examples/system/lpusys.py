"""Shared pieces of the system example generators (examples/system/gen_system.py): a system's
chips, links and link timing as the simulator builds them, and a chip program built cycle by cycle.

Nothing about the system is computed here: `lpusim system --links` writes the chip types (every
parameter resolved, the floorplan's slice positions), the chips' clocks and every link direction's
timing (models/system/LinkPlan.cpp, docs/system.md "Link timing"), and the generators read that.
Only the schedule is theirs.
"""
import argparse
import json
import os
import subprocess
import tempfile


class GenError(Exception):
    """A system or a request the generators cannot handle (reported without a traceback)."""


def positive(text):
    """argparse type of a count: a positive integer."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v}")
    return v


class ChipType:
    """A chip type of `lpusim system --links`: the parameters a schedule depends on."""

    def __init__(self, t):
        p = t["params"]
        self.name = p["name"]
        self.S = p["geometry.superlanes"]
        self.L = self.S * p["geometry.lanes_per_superlane"]
        self.planes = p["mxm.planes"]
        self.acc_slots = p["mxm.acc_slots"]
        self.A = p["mxm.array_latency"]
        self.R = p["mxm.acc_latency"]
        self.T = -(-self.L // p["mxm.install_rows_per_cycle"])
        self.words_per_bank = p["mem.words_per_bank"]
        self.RL = p["mem.read_latency"]
        self.WL = p["mem.write_latency"]
        self.V = p["vxm.alu_latency"]
        self.east = p["streams.east"]
        self.west = p["streams.west"]
        self.links = p["c2c.links"]
        self.recv_latency = p["c2c.receive_latency"]
        self.window = p["c2c.receive_window"]
        if self.planes < 2 or self.links < 1:
            raise GenError(f"chip '{self.name}' needs 2 MXM planes and C2C links")
        self.pos = t["slices"]
        self.half_mem = p["mem.slices"] // 2


class Clock:
    """A chip's clock on the system's time base (models/spec/ChipClock.h)."""

    def __init__(self, period_fs):
        self.period_fs = period_fs

    def start_ps(self, cycle):
        return cycle * self.period_fs // 1000

    def first_cycle_at(self, ps):
        return 0 if ps <= 0 else -(-ps * 1000 // self.period_fs)


class LinkTiming:
    """One link direction of `lpusim system --links`; every link of the system shares it."""

    def __init__(self, d, clock):
        self.line_bits = d["line_bits"]
        self.latency_ps = d["latency_ps"]
        self.busy = d["busy_cycles"]
        self.clock = clock

    def arrival(self, send_cycle):
        """The receiver's first cycle at or after the vector's arrival (both chips on one clock)."""
        return self.clock.first_cycle_at(self.clock.start_ps(send_cycle) + self.latency_ps)


def links_json(path, lpusim):
    """What `lpusim system --system PATH --links FILE` writes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "links.json")
        try:
            p = subprocess.run([lpusim, "system", "--system", path, "--links", out], capture_output=True, text=True)
        except OSError as e:
            raise GenError(f"cannot run {lpusim}: {e.strerror} (build it, or give --lpusim)")
        if not os.path.exists(out):
            raise GenError(f"{lpusim} system --system {path}: exit {p.returncode}: {p.stderr.strip()}")
        with open(out) as f:
            return json.load(f)


class System:
    """A system with one chip type, every chip on the same clock from time 0 and every link
    direction timed alike, without bit errors: what the generators schedule for."""

    def __init__(self, path, lpusim):
        self.path = path
        doc = links_json(path, lpusim)
        if len(doc["types"]) != 1:
            raise GenError(f"{path}: the generators handle one chip type, the file has {len(doc['types'])}")
        self.ct = ChipType(doc["types"][0])
        self.kind = doc["topology"]["kind"]
        self.chips_per_node = doc["topology"]["chips_per_node"]
        chips = doc["chips"]
        self.names = [c["name"] for c in chips]
        if len({(c["period_fs"], c["start_offset_ps"]) for c in chips}) != 1 or chips[0]["start_offset_ps"]:
            raise GenError(f"{path}: clock offsets (ppm, start offsets) make arrival cycles drift; "
                           f"the generators need every chip on one clock from time 0")
        self.clock = Clock(chips[0]["period_fs"])
        index = {n: i for i, n in enumerate(self.names)}
        self.links = []  # ((chip, port), (chip, port)) by chip index, in the simulator's order
        directions = []
        for link in doc["links"]:
            if link["ber"]:
                raise GenError(f"{path}: bit errors would poison vectors; the generators need ber 0")
            d = link["directions"][0]
            self.links.append(((index[d["from"]], d["from_port"]), (index[d["to"]], d["to_port"])))
            directions += link["directions"]
        timings = {(d["line_bits"], d["latency_ps"], d["busy_cycles"]) for d in directions}
        if len(timings) > 1:
            raise GenError(f"{path}: links of {len(timings)} different timings; the generators need one")
        self.timing = LinkTiming(directions[0], self.clock) if directions else None
        self.port = {}  # (a, b) -> (a's port, b's port) of the first link joining them
        for (a, pa), (b, pb) in self.links:
            self.port.setdefault((a, b), (pa, pb))
            self.port.setdefault((b, a), (pb, pa))
        self.neighbours = [sorted({b for (a, b) in self.port if a == c}) for c in range(len(self.names))]

    def distances(self, src):
        dist, parent, frontier = {src: 0}, {src: None}, [src]
        while frontier:
            nxt = []
            for a in frontier:
                for b in self.neighbours[a]:
                    if b not in dist:
                        dist[b], parent[b] = dist[a] + 1, a
                        nxt.append(b)
            frontier = nxt
        return dist, parent


class Program:
    """One chip's program, instruction by instruction at absolute issue cycles. It refuses what
    the chip would: two instructions of one queue in a cycle, and a MEM read and write of one
    bank in the same cycle (docs/mem.md 3); the rest (streams, MXM, links) the run checks."""

    def __init__(self, ct, title):
        self.ct = ct
        self.title = title
        self.queues = {}
        self.tensors = []
        self.bank_use = {}  # (slice, cycle) -> (kind, bank)

    def free(self, queue, cycle):
        return cycle >= 0 and cycle not in self.queues.get(queue, {})

    def put(self, queue, cycle, text):
        if not self.free(queue, cycle):
            raise GenError(f"{self.title}: {queue} already issues in cycle {cycle} (wanted '{text}')")
        self.queues.setdefault(queue, {})[cycle] = text

    def tensor(self, name, slice_, addr, rows, dtype):
        self.tensors.append(f".tensor {name} {slice_} {addr} {rows} {dtype}")

    def _bank_cycle(self, kind, cycle):
        return cycle + (self.ct.WL - 1 if kind == "w" else 0)

    def mem_ok(self, kind, slice_, cycle, addr):
        if not self.free(slice_, cycle):
            return False
        used = self.bank_use.get((slice_, self._bank_cycle(kind, cycle)))
        return used is None or (used[0] != kind and used[1] != addr // self.ct.words_per_bank)

    def mem(self, kind, slice_, cycle, addr, stream):
        if not self.mem_ok(kind, slice_, cycle, addr):
            raise GenError(f"{self.title}: {slice_} cannot {'read' if kind == 'r' else 'write'} in cycle {cycle}")
        self.put(slice_, cycle, f"Read {addr}, {stream}" if kind == "r" else f"Write {addr}, {stream}")
        self.bank_use[(slice_, self._bank_cycle(kind, cycle))] = (kind, addr // self.ct.words_per_bank)

    def instructions(self):
        return sum(len(q) for q in self.queues.values())

    def text(self):
        out = [f"; {self.title}"] + self.tensors
        for queue in sorted(self.queues, key=queue_order):
            out.append(f".queue {queue}")
            prev = -1
            for cycle in sorted(self.queues[queue]):
                gap = cycle - prev - 1  # a NOP issued at prev + 1 lets the next issue gap cycles later
                if prev < 0 and cycle > 0:
                    out.append(f"    NOP {cycle}")
                elif prev >= 0 and gap > 0:
                    out.append(f"    NOP {gap}")
                out.append(f"    {self.queues[queue][cycle]}")
                prev = cycle
        return "\n".join(out) + "\n"


def queue_order(q):
    """Queues in a stable, readable order: MEM, MXM, VXM, C2C, each by number."""
    head, _, tail = q.partition(".")
    kind = next((i for i, p in enumerate(("MEM_W", "MEM_E", "MXM", "VXM", "C2C")) if head.startswith(p)), 9)
    digits = "".join(ch for ch in head + tail if ch.isdigit())
    return (kind, head.rstrip("0123456789"), int(digits) if digits else -1, q)
