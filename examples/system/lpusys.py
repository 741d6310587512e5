"""Shared pieces of the system example generators (examples/system/gen_system.py): a system file's
chips, wiring and link timing, and a chip program built cycle by cycle.

Everything here mirrors the simulator's definitions, so that a generator knows every cycle before
the run: the floorplan (docs/isa.md 2.1, models/spec/Floorplan.cpp, with the C2C slice east of the
outermost east MXM plane), the wiring of generated topologies (docs/system.md,
models/topology/TopologyWiring.cpp) and a vector's arrival over a link (models/system/C2cLink.cpp
`LinkTiming::of`, models/spec/ChipClock.cpp).
"""
import math
import os

import yaml

FEC = {"kp4": (544, 514), "kr4": (528, 514), "none": (0, 0)}
CHIPS_PER_NODE, NODES_PER_RACK = 8, 9


class GenError(Exception):
    """A system or a request the generators cannot handle (reported without a traceback)."""


def get(node, path, default):
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


class ChipType:
    """The parameters of one chip config that a schedule depends on (defaults as in models/spec)."""

    def __init__(self, cfg):
        c = cfg.get("chip", {})
        self.name = get(c, "name", "unnamed")
        self.mhz = float(get(c, "clock_mhz", 900.0))
        self.S = get(c, "geometry.superlanes", 20)
        self.L = self.S * get(c, "geometry.lanes_per_superlane", 16)
        self.planes = get(c, "mxm.planes", 4)
        self.acc_slots = get(c, "mxm.acc_slots", 16)
        self.A = get(c, "mxm.array_latency", 1)
        self.R = get(c, "mxm.acc_latency", 1)
        self.T = math.ceil(self.L / get(c, "mxm.install_rows_per_cycle", 16))
        self.slices = get(c, "mem.slices", 88)
        self.words_per_bank = get(c, "mem.words_per_bank", 4096)
        self.RL = get(c, "mem.read_latency", 2)
        self.WL = get(c, "mem.write_latency", 1)
        self.V = get(c, "vxm.alu_latency", 1)
        self.east = get(c, "streams.east", 32)
        self.west = get(c, "streams.west", 32)
        self.links = get(c, "c2c.links", 16)
        self.lanes_per_link = get(c, "c2c.lanes_per_link", 4)
        self.gbps = float(get(c, "c2c.gbps_per_lane", 30.0))
        self.serdes = get(c, "c2c.serdes_latency", 0)
        self.recv_latency = get(c, "c2c.receive_latency", 1)
        self.window = get(c, "c2c.receive_window", 32)
        if self.planes < 2 or self.links < 1:
            raise GenError(f"chip '{self.name}' needs 2 MXM planes and C2C links")
        # Floorplan, west to east; the C2C slice last.
        half_mxm, half_mem = self.planes // 2, self.slices // 2
        order = [f"MXM_W{i}" for i in reversed(range(half_mxm))] + ["SXM_W0"]
        order += [f"MEM_W{i}" for i in reversed(range(half_mem))] + ["VXM"]
        order += [f"MEM_E{i}" for i in range(half_mem)] + ["SXM_E0"] + [f"MXM_E{i}" for i in range(half_mxm)]
        order += ["C2C"]
        self.pos = {name: p for p, name in enumerate(order)}
        self.half_mem = half_mem
        # ChipParams::period_ps and ChipClock::of (ppm 0): llround.
        self.period_ps = math.floor(1e6 / self.mhz + 0.5)
        self.period_fs = math.floor(1e9 / self.mhz + 0.5)

    def start_ps(self, cycle):
        return cycle * self.period_fs // 1000

    def first_cycle_at(self, ps):
        if ps <= 0:
            return 0
        c = ps * 1000 // self.period_fs
        while c > 0 and self.start_ps(c - 1) >= ps:
            c -= 1
        while self.start_ps(c) < ps:
            c += 1
        return c


class LinkTiming:
    """models/system/C2cLink.cpp LinkTiming::of, in the same floating-point order."""

    def __init__(self, ct, link, vector_bytes):
        n, k = FEC[link["fec"]]
        payload_bits = vector_bytes * 8.0 * (1.0 + link["framing_overhead"])
        if n == 0:
            self.line_bits = math.ceil(payload_bits)
        else:
            symbols = math.ceil(payload_bits / 10.0)
            codewords = (symbols + k - 1) // k
            self.line_bits = (symbols + codewords * (n - k)) * 10
        bits_per_ps = ct.lanes_per_link * ct.gbps * 1e-3
        self.serialise_ps = math.ceil(float(self.line_bits) / bits_per_ps)
        fixed = link["cable_latency"] + ct.serdes + link["fec_latency"]
        self.latency_ps = self.serialise_ps + fixed * ct.period_ps
        # System::build_link: the cycles a Send occupies its link.
        self.busy = -(-self.serialise_ps * 1000 // ct.period_fs)
        self.ct = ct

    def arrival(self, send_cycle):
        """The receiver's first cycle at or after the vector's arrival (both chips on one clock)."""
        return self.ct.first_cycle_at(self.ct.start_ps(send_cycle) + self.latency_ps)


class System:
    """A system file with one chip type, no clock offsets and link parameters only in
    link_defaults: its chips, links (with ports) and the one link timing they all share."""

    LINK_KEYS = {"cable_latency": 216, "serdes_latency": 0, "framing_overhead": 0.025, "fec": "kp4",
                 "fec_latency": 0, "ber": 0.0}

    def __init__(self, path):
        self.path = path
        try:
            doc = yaml.safe_load(open(path))
        except OSError as e:
            raise GenError(f"{path}: cannot open system file: {e.strerror}")
        s = doc["system"]
        types = s["types"]
        if len(types) != 1:
            raise GenError(f"{path}: the generators handle one chip type, the file has {len(types)}")
        t = next(iter(types.values()))
        cfg = yaml.safe_load(open(os.path.join(os.path.dirname(path), t["config"]))) if "config" in t else {
            "chip": t["chip"]}
        self.ct = ChipType(cfg)
        if s.get("ppm_spread", 0) or any("ppm" in (v or {}) for v in (s.get("chips") or {}).values()):
            raise GenError(f"{path}: clock offsets (ppm) make arrival cycles drift; the generators need ppm 0")
        ld = s.get("link_defaults") or {}
        self.link = {k: ld.get(k, v) for k, v in self.LINK_KEYS.items()}
        if self.link["ber"]:
            raise GenError(f"{path}: bit errors would poison vectors; the generators need ber 0")
        if self.link["serdes_latency"] != self.ct.serdes:
            # LinkTiming::of adds the chip config's c2c.serdes_latency, not the system file's
            # link_defaults.serdes_latency (see examples/system/README.md); refuse rather than guess.
            raise GenError(f"{path}: link_defaults.serdes_latency differs from the chip's c2c.serdes_latency")
        topo = s["topology"]
        kind = topo["kind"]
        self.kind = kind
        self.links = []  # ((chip, port), (chip, port)) by chip index
        if kind == "pair":
            self.names = ["c0", "c1"]
            self.links = [((0, p), (1, p)) for p in range(topo.get("links", 1))]
        elif kind == "node":
            n = topo.get("chips", 8)
            if n - 1 > self.ct.links:
                raise GenError(f"{path}: a node of {n} chips needs {n - 1} C2C ports per chip; "
                               f"chip '{self.ct.name}' has {self.ct.links}")
            self.names = [f"c{i}" for i in range(n)]
            self._wire_node(0, n)
        elif kind == "rack":
            self.names = [f"n{c // CHIPS_PER_NODE}.c{c % CHIPS_PER_NODE}"
                          for c in range(CHIPS_PER_NODE * NODES_PER_RACK)]
            for node in range(NODES_PER_RACK):
                self._wire_node(node * CHIPS_PER_NODE, CHIPS_PER_NODE)
            self._wire_rack(topo.get("intra_rack_links", 4))
        elif kind == "custom":
            self.names = list((s.get("chips") or {}).keys())
            if s.get("links"):
                raise GenError(f"{path}: custom systems with links are not supported by the generators")
        else:
            raise GenError(f"{path}: topology kind '{kind}' is not supported by the generators")
        if kind != "custom" and s.get("links"):
            raise GenError(f"{path}: per-link parameters are not supported by the generators")
        self.timing = LinkTiming(self.ct, self.link, self.ct.L)
        self.port = {}  # (a, b) -> (a's port, b's port) of the first link joining them
        for (a, pa), (b, pb) in self.links:
            self.port.setdefault((a, b), (pa, pb))
            self.port.setdefault((b, a), (pb, pa))
        self.neighbours = [sorted({b for (a, b) in self.port if a == c}) for c in range(len(self.names))]

    def _wire_node(self, first, chips):
        for c in range(chips):
            for j in range(c + 1, chips):
                self.links.append(((first + c, j - 1), (first + j, c)))

    def _wire_rack(self, intra):
        base = CHIPS_PER_NODE - 1
        stride = 3 if intra in (4, 5) else 1

        def ports_at(k):
            return [(c, base + p) for c in range(CHIPS_PER_NODE) for p in range(intra)
                    if (c + stride * p) % CHIPS_PER_NODE + 1 == k]

        for k in range(1, NODES_PER_RACK // 2 + 1):
            frm, to = ports_at(k), ports_at(NODES_PER_RACK - k)
            for n in range(NODES_PER_RACK):
                m = (n + k) % NODES_PER_RACK
                for (fc, fp), (tc, tp) in zip(frm, to):
                    self.links.append(((n * CHIPS_PER_NODE + fc, fp), (m * CHIPS_PER_NODE + tc, tp)))

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
