#!/usr/bin/python3
"""Exactness sweep for `lpusim compile` (issue 4): random workloads, compiled and run, must take
exactly the predicted number of cycles and produce the numpy reference's outputs bit for bit.

    check_compile.py LPUSIM CONFIGS [--cases N] [--seed S] [--work DIR] [--ops auto|default|LIST]
                     [--max-blocks B] [--max-rows M] [--random-configs] [--keep] [--cycles-only]
    check_compile.py LPUSIM CONFIGS --determinism [--cases N] ...

CONFIGS is a comma-separated list of chip configs, each a path or a name under configs/ (tiny,
small, tsp-v1), optionally NAME+variants (see --random-configs); --cases is per config.

Every case is one workload YAML (docs/workload.md), generated from --seed, the case number and
the config's name alone, so a failing case is reproduced by `LPUSIM CONFIG --seed S --first I
--cases 1` (the YAML's first line says so; with --ops auto, the same ops must compile). Its
kind is one of
  gemm     one matmul (i8/u8 operands, or f16 x f16, any M, K, N) with a random fused epilogue chain;
  mlp      two or three matmul + bias (+ relu) + requant layers, the activations i8 or u8;
  eltwise  a stand-alone element-wise chain on an i8, i32, f16 or f32 input;
  graph    a matmul whose result is used more than once (unfusable: in MEM), intermediate
           outputs, binary operands that are earlier results.
Shapes include 1, the lane count L, multiples of L, non-multiples, and K and N over several
column blocks. Each case is compiled (`--inputs` writes the inputs), run (`--load` them all,
`--dump` every output, `--stats`), and checked:
  1. the run's cycle count (stdout and stats JSON) equals the compiler's `predicted cycles`;
  2. every output equals tests/python/workload_reference.py's on the same inputs: same dtype,
     same shape, same bits (floats compared as their bit patterns, so NaNs count too);
  3. a compile error that is one of LIMITS (a transpose on a config without the streams or
     slices it needs), on a config that really lacks them, counts as "refused", not as a failure;
  4. stream statistics are reported, not failed on: `never_read` (should be 0: every value the
     compiler books has a consumer) per case and in all, `overwritten` in all (a value replaced
     downstream after its consumer read it is legal, docs/isa.md 2.2; one replaced before its
     read would give a wrong output, which check 2 catches).
On failure the case's files are kept under WORK/CONFIG/case-SEED-I/ (workload.yaml, prog.s,
inputs/, sim/, ref/, stats.json, config.yaml for a variant) and the YAML path, both cycle counts
and the first differing element are printed; the sweep goes on and exits 1 at the end.

--ops: the layer ops generated. `default` is what the compiler supports today; `auto` (the
default) adds every other op (softmax, rms_norm, ...) that a one-layer probe compiles, so the
sweep covers new lowerings as soon as they land; or an explicit comma-separated list.
To add an op: a line in OP_TABLE (its input types and how to draw its parameters).

--random-configs: each case runs on a variant of CONFIG with random latencies, stream counts,
VXM queues, MXM planes (2, 4, 6 or 8) and MEM slices (written next to the case), so the
prediction is held to every timing parameter the schedule depends on.

--determinism: compiles each case twice (to different paths) and requires byte-identical
programs and input files; nothing is run.
"""
import argparse
import json
import pathlib
import random
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# ---- the op catalogue ---------------------------------------------------------------------------
# Each element-wise op: the input types it takes, and its weight when a chain picks its next step.
# `params(rng, t)` returns (extra YAML keys, result type). Ops whose result shape differs say so.
VXM_TYPES = ("i8", "i32", "f16", "f32")
FLOAT_TYPES = ("f16", "f32")
BINARY_OPS = ("add", "sub", "mul", "max", "min")


def _no_params(rng, t):
    return {}, t


def _requant_params(rng, t):
    # multiplier / 2^shift scales int32 values of any magnitude to around the int8 range; some
    # cases use extreme or negative multipliers, large zero points and every rounding mode.
    r = rng.random()
    if r < 0.7:
        shift = rng.randint(4, 24)
        mult = rng.randint(1, 1 << 12)
    elif r < 0.85:
        shift = rng.randint(24, 63)
        mult = rng.choice([1, -1, rng.randint(-(1 << 31), (1 << 31) - 1), (1 << 31) - 1, -(1 << 31)])
    else:
        shift = rng.randint(0, 8)
        mult = rng.randint(-(1 << 8), 1 << 8)
    extra = {"multiplier": mult, "shift": shift}
    if rng.random() < 0.7:
        extra["zero_point"] = rng.choice([0, rng.randint(-40, 40), rng.randint(-300, 300)])
    if rng.random() < 0.8:
        extra["rounding"] = rng.choice(["half_even", "half_away", "half_up", "floor"])
    to = rng.choice(["i8", "i8", "u8"])
    if to != "i8" or rng.random() < 0.5:
        extra["to"] = to
    return extra, to


def _convert_params(rng, t):
    to = rng.choice([x for x in VXM_TYPES if x != t])
    return {"to": to}, to


def _axis(axis):
    """softmax, rms_norm, layer_norm: down each column (axis 0) or along each row (axis 1, the
    default, so sometimes left out)."""
    def params(rng, t):
        return ({"axis": axis} if axis == 0 or rng.random() < 0.5 else {}), t
    return params


def _norm(axis):
    def params(rng, t):
        extra, _ = _axis(axis)(rng, t)
        if rng.random() < 0.5:
            extra["eps"] = rng.choice([1e-5, 1e-6, 0.001, 0.5])
        return extra, t
    return params


class Op:
    """`name` is the sweep's name for it (--ops); `op` the layer's op in the YAML."""

    def __init__(self, name, types, weight, params=_no_params, binary=False, transposes=False, op=None):
        self.name, self.types, self.weight = name, types, weight
        self.params, self.binary, self.transposes = params, binary, transposes
        self.op = op or name


OP_TABLE = {o.name: o for o in [
    *(Op(b, VXM_TYPES, 3, binary=True) for b in BINARY_OPS),
    Op("relu", VXM_TYPES, 3),
    Op("tanh", FLOAT_TYPES, 2),
    Op("exp", FLOAT_TYPES, 2),
    Op("requant", ("i32",), 4, _requant_params),
    Op("convert", VXM_TYPES, 3, _convert_params),
    # Being lowered while this sweep was written; `--ops auto` picks each up once it compiles.
    Op("gelu", ("f32",), 2),
    Op("softmax_cols", ("f32",), 2, _axis(0), op="softmax"),
    Op("rms_norm_cols", ("f32",), 2, _norm(0), op="rms_norm"),
    Op("layer_norm_cols", ("f32",), 2, _norm(0), op="layer_norm"),
    Op("softmax", ("f32",), 2, _axis(1)),
    Op("rms_norm", ("f32",), 2, _norm(1)),
    Op("layer_norm", ("f32",), 2, _norm(1)),
    Op("transpose", ("i8", "u8", "i32", "f16", "f32"), 2, transposes=True),
]}
DEFAULT_OPS = ("add", "sub", "mul", "max", "min", "relu", "tanh", "exp", "requant", "convert")


# ---- configs -----------------------------------------------------------------------------------
def resolve_config(name):
    p = pathlib.Path(name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p.resolve()
    return (ROOT / "configs" / f"{name}.yaml").resolve()


def config_geometry(path):
    chip = yaml.safe_load(open(path))["chip"]
    geo = chip.get("geometry", {})
    lanes = geo.get("superlanes", 20) * geo.get("lanes_per_superlane", 16)
    planes = chip.get("mxm", {}).get("planes", 4)
    return lanes, planes


def random_config(rng, base, path, known_bugs=False):
    """A variant of `base`: the same lane count, every timing parameter the compiler schedules
    with drawn at random, fewer streams and VXM queues (more contention), other MEM floorplans."""
    cfg = yaml.safe_load(open(base))
    chip = cfg["chip"]
    chip["name"] = f"{chip.get('name', 'chip')}-variant"
    mxm = chip.setdefault("mxm", {})
    lanes, _ = config_geometry(base)
    mxm["planes"] = rng.choice([2, 4, 6, 8])  # every count chip.mxm.planes allows (even, 1..8)
    mxm["install_rows_per_cycle"] = rng.choice([r for r in (2, 4, 8, 16, 16, 32) if r <= lanes and lanes % r == 0])
    mxm["array_latency"] = rng.randint(1, 4)
    mxm["acc_latency"] = rng.randint(1, 3)
    mem = chip.setdefault("mem", {})
    mem["slices"] = rng.choice([24, 44, 88, 88])
    mem["read_latency"] = rng.randint(1, 5)
    mem["write_latency"] = rng.randint(1, 4)
    # 20 and 32 leave room for a transpose's G + 1 streams (G = 16); 8 and 12 do not.
    chip.setdefault("streams", {}).update({"east": rng.choice([8, 12, 20, 32, 32]),
                                           "west": rng.choice([8, 12, 20, 32, 32])})
    # 3 or more: KNOWN_BUGS["few-vxm-queues"]
    chip.setdefault("icu", {})["vxm_queues"] = rng.choice([1, 2, 3, 4, 16] if known_bugs else [3, 4, 16])
    chip.setdefault("vxm", {})["alu_latency"] = rng.randint(1, 4)
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


# ---- workload generation -----------------------------------------------------------------------
class Gen:
    """Builds one workload: tensors (inputs, weights, operands) and layers, in order."""

    def __init__(self, rng, name, lanes, max_blocks, max_rows, ops):
        self.rng, self.name, self.L = rng, name, lanes
        self.max_blocks, self.max_rows, self.ops = max_blocks, max_rows, ops
        self.tensors = {}   # name -> (shape list, type); inputs only
        self.layers = []
        self.outputs = []
        self.produced = {}  # name -> (rows, cols, dims, type)
        self.n = 0

    def fresh(self, prefix):
        self.n += 1
        return f"{prefix}{self.n}"

    def dim(self, max_blocks, allow_one=True):
        """A size in 1 .. max_blocks * L: 1, small, L, multiples, off-by-some non-multiples."""
        r, L, rng = self.rng.random(), self.L, self.rng
        top = max(1, max_blocks * L)
        if r < 0.10 and allow_one:
            return 1
        if r < 0.25:
            return rng.randint(1, max(1, L - 1)) if L > 1 else 1
        if r < 0.35:
            return L
        if r < 0.50 and max_blocks >= 2:
            return L * rng.randint(2, max_blocks)
        if r < 0.75:
            k = rng.randint(1, max_blocks)
            return max(1, min(top, k * L + rng.choice([-1, 1, -rng.randint(1, L), rng.randint(1, L)])))
        return rng.randint(1, top)

    def rows(self):
        r = self.rng.random()
        if r < 0.12:
            return 1
        if r < 0.25:
            return self.rng.randint(2, 8)
        if r < 0.35:
            return min(self.max_rows, self.L)
        return self.rng.randint(1, self.max_rows)

    def add_input(self, shape, t, prefix="T"):
        name = self.fresh(prefix)
        self.tensors[name] = (list(shape), t)
        dims = len(shape)
        rows, cols = (shape[0], shape[1]) if dims == 2 else (1, shape[0])
        self.produced[name] = (rows, cols, dims, t)
        return name

    def layer(self, op, a, out_prefix="Y", b=None, **extra):
        out = self.fresh(out_prefix)
        entry = {"name": f"l{len(self.layers)}_{op}", "op": op, "a": a}
        if b is not None:
            entry["b"] = b
        entry.update(extra)
        entry["out"] = out
        self.layers.append(entry)
        return out

    def matmul(self, a, b):
        ra, ca, _, ta = self.produced[a]
        _, cb, _, _ = self.produced[b]
        out = self.layer("matmul", a, "H", b)
        self.produced[out] = (ra, cb, 2, "f32" if ta == "f16" else "i32")
        return out

    def step_choices(self, t):
        return [OP_TABLE[o] for o in self.ops if t in OP_TABLE[o].types]

    def binary_operand(self, a, rows, cols, dims, t, allow_existing):
        rng = self.rng
        if allow_existing:
            same = [n for n, (r, c, d, tt) in self.produced.items()
                    if tt == t and c == cols and (r == rows or r == 1)]  # a itself too: x op x
            if same and rng.random() < 0.5:
                return rng.choice(same)
        if rows > 1 and rng.random() < 0.4:
            shape = [cols] if rng.random() < 0.6 else [1, cols]  # one row, broadcast
        else:
            shape = [rows, cols] if dims == 2 else [cols]
        return self.add_input(shape, t, "B")

    def chain(self, value, length, allow_existing=False, mark_outputs=0.0):
        """Appends up to `length` element-wise steps after `value`; returns the last tensor."""
        rng = self.rng
        for _ in range(length):
            rows, cols, dims, t = self.produced[value]
            choices = self.step_choices(t)
            if not choices:
                break
            op = rng.choices(choices, weights=[o.weight for o in choices])[0]
            extra, out_t = op.params(rng, t)
            if op.binary:
                b = self.binary_operand(value, rows, cols, dims, t, allow_existing)
                out = self.layer(op.op, value, "Y", b, **extra)
            else:
                out = self.layer(op.op, value, "Y", **extra)
            if op.transposes:
                self.produced[out] = (cols, rows, 2, out_t)
            else:
                self.produced[out] = (rows, cols, dims, out_t)
            if rng.random() < mark_outputs:
                self.outputs.append(out)
            value = out
        return value

    def chain_length(self):
        return self.rng.choice([0, 1, 1, 2, 2, 3, 4, 6])

    # -- kinds --
    def operand_types(self):
        """A matmul's (a, b) types: integer bytes (mixed allowed), sometimes fp16 x fp16."""
        rng = self.rng
        if rng.random() < 0.2:
            return "f16", "f16"
        return rng.choice(["i8", "u8"]), rng.choice(["i8", "u8"])

    def gemm(self):
        rng = self.rng
        M, K, N = self.rows(), self.dim(self.max_blocks), self.dim(self.max_blocks)
        ta, tb = self.operand_types()
        x = self.add_input([M, K], ta, "X")
        w = self.add_input([K, N], tb, "W")
        h = self.matmul(x, w)
        last = self.chain(h, self.chain_length())
        self.outputs.append(last)

    def mlp(self):
        rng = self.rng
        M = self.rows()
        widths = [self.dim(self.max_blocks, allow_one=False) for _ in range(rng.randint(3, 4))]
        act = self.add_input([M, widths[0]], rng.choice(["i8", "u8"]), "X")
        for i in range(len(widths) - 1):
            w = self.add_input([widths[i], widths[i + 1]], rng.choice(["i8", "i8", "u8"]), "W")
            h = self.matmul(act, w)
            bias = self.add_input([widths[i + 1]], "i32", "B")
            y = self.layer("add", h, "Y", bias)
            self.produced[y] = (M, widths[i + 1], 2, "i32")
            if rng.random() < 0.7:
                r = self.layer("relu", y)
                self.produced[r] = (M, widths[i + 1], 2, "i32")
                y = r
            last = i == len(widths) - 2
            if last and rng.random() < 0.4:
                act = y
                break
            extra, to = _requant_params(rng, "i32")
            if not last and rng.random() < 0.7:  # the usual case: a well-scaled i8 activation
                extra = {"multiplier": rng.randint(1, 64), "shift": rng.randint(10, 18), "zero_point": 0,
                         "rounding": "half_even", "to": to}
            act = self.layer("requant", y, "A", **extra)
            self.produced[act] = (M, widths[i + 1], 2, to)
            if not last and rng.random() < 0.25:
                self.outputs.append(act)
        self.outputs.append(act)

    def eltwise(self):
        rng = self.rng
        t = rng.choice(VXM_TYPES)
        R, C = self.rows(), self.dim(self.max_blocks)
        shape = [C] if R == 1 and rng.random() < 0.5 else [R, C]
        x = self.add_input(shape, t, "X")
        last = self.chain(x, rng.randint(1, 6), allow_existing=rng.random() < 0.3, mark_outputs=0.15)
        if last == x:  # no op takes this type (cannot happen with relu enabled)
            raise RuntimeError("empty chain")
        if last not in self.outputs:
            self.outputs.append(last)

    def graph(self):
        rng = self.rng
        M, K, N = self.rows(), self.dim(self.max_blocks), self.dim(self.max_blocks)
        ta, tb = self.operand_types()
        x = self.add_input([M, K], ta, "X")
        w = self.add_input([K, N], tb, "W")
        h = self.matmul(x, w)
        if rng.random() < 0.5:
            self.outputs.append(h)
        a = self.chain(h, rng.randint(0, 3), allow_existing=True, mark_outputs=0.3)
        b = self.chain(h, rng.randint(1, 3), allow_existing=True, mark_outputs=0.3)
        if a != b:
            _, _, _, ta = self.produced[a]
            rb, cb, db, tb = self.produced[b]
            if ta == tb and ta in VXM_TYPES and self.produced[a][:2] == (rb, cb) and "add" in self.ops:
                c = self.layer("add", a, "Y", b)
                self.produced[c] = (rb, cb, db, tb)
                b = c
        for v in (a, b):
            if v not in self.outputs and v != h:
                self.outputs.append(v)
        if not self.outputs:
            self.outputs.append(h)
        # A second matmul on an i8/u8 or f16 result (a transpose's too), if there is one.
        if rng.random() < 0.5:
            cands = [n for n, (r, c, d, t) in self.produced.items()
                     if t in ("i8", "u8", "f16") and d == 2 and n not in self.tensors]
            if cands:
                a2 = rng.choice(cands)
                r2, c2, _, t2 = self.produced[a2]
                w2 = self.add_input([c2, self.dim(self.max_blocks)], "f16" if t2 == "f16" else rng.choice(["i8", "u8"]),
                                    "W")
                h2 = self.matmul(a2, w2)
                self.outputs.append(self.chain(h2, rng.randint(0, 2)))

    def yaml_text(self, header):
        lines = [f"# {line}" for line in header] + ["version: 1", "workload:", f"  name: {self.name}",
                                                  "  tensors:"]
        for name, (shape, t) in self.tensors.items():
            lines.append(f"    {name}: {{shape: [{', '.join(map(str, shape))}], type: {t}}}")
        lines.append("  layers:")
        for entry in self.layers:
            lines.append("    - {" + ", ".join(f"{k}: {v}" for k, v in entry.items()) + "}")
        outs = list(dict.fromkeys(self.outputs))
        lines.append(f"  outputs: [{', '.join(outs)}]")
        return "\n".join(lines) + "\n"


# What the sweep leaves out (--known-bugs puts it back). Configs with fewer VXM queues than a
# chain needs are refused with a clear error (tests/data/workloads/few_vxm_queues.yaml), which
# the sweep would count as a failure, so --random-configs draws 3 or more.
KNOWN_BUGS = {
    "few-vxm-queues": "with vxm_queues 1 (2 for softmax and layer_norm) the compiler refuses fused chains "
                      "(tests/data/workloads/few_vxm_queues.yaml); --random-configs draws 3 or more",
}



def transpose_impossible(config):
    """A transpose moves G rows through an SXM at once: G + 1 streams toward it (G rows and a
    gather map; G with one superlane), G back, G MEM slices in its hemisphere (docs/compiler.md)."""
    chip = yaml.safe_load(open(config))["chip"]
    geo, streams = chip.get("geometry", {}), chip.get("streams", {})
    g, s = geo.get("lanes_per_superlane", 16), geo.get("superlanes", 20)
    east, west = streams.get("east", 32), streams.get("west", 32)
    half = chip.get("mem", {}).get("slices", 88) // 2
    need = g + (1 if s > 1 else 0)
    return half < g or not ((west >= need and east >= g) or (east >= need and west >= g))


# Refusals that are the compiler's documented limits, not failures, when the config really lacks
# what the message says: (name, message pattern, check on the case's config).
LIMITS = (
    ("transpose-streams", r"a transpose moves \d+ rows .* through the SXM at once", transpose_impossible),
)

KINDS = (("gemm", 0.45), ("mlp", 0.2), ("eltwise", 0.2), ("graph", 0.15))


def make_case(seed, index, spec, lanes, max_blocks, max_rows, ops):
    # Seeded by the config too, so that every config of a sweep gets its own workloads.
    rng = random.Random(f"{seed}:{index}:{spec}")
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    if kind == "eltwise" and not any(t in OP_TABLE[o].types for o in ops for t in VXM_TYPES):
        kind = "gemm"
    g = Gen(rng, f"sweep_{seed}_{index}_{kind}", lanes, max_blocks, max_rows, ops)
    getattr(g, kind)()
    header = [f"check_compile.py LPUSIM {spec} --seed {seed} --first {index} --cases 1 ({kind}, {lanes} lanes)"]
    text = g.yaml_text(header)
    # The workload's own seed picks the input values (the compiler writes them with --inputs).
    text = text.replace(f"  name: {g.name}\n", f"  name: {g.name}\n  seed: {rng.randint(0, 2**32 - 1)}\n", 1)
    return kind, text


# ---- running -----------------------------------------------------------------------------------
class CaseFailure(Exception):
    pass


def run(cmd, **kw):
    try:
        return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    except OSError as e:  # e.g. the binary is being relinked
        raise CaseFailure(f"cannot run {cmd[0]}: {e}")


def compile_case(lpusim, config, wl, program, inputs):
    cmd = [lpusim, "compile", "--config", config, "--workload", wl, "-o", program]
    if inputs is not None:
        cmd += ["--inputs", inputs]
    p = run(cmd)
    if p.returncode != 0:
        raise CaseFailure(f"compile failed (exit {p.returncode}):\n{p.stdout}{p.stderr}".rstrip())
    m = re.search(r"^predicted cycles: (\d+)$", p.stdout, re.M)
    if not m:
        raise CaseFailure(f"compile printed no 'predicted cycles: N':\n{p.stdout}")
    return int(m.group(1)), p.stdout


def first_difference(got, want):
    """(index, got, want) of the first element whose bits differ."""
    if want.dtype.kind == "f":
        ib = np.dtype(f"u{want.dtype.itemsize}")
        diff = got.view(ib) != want.view(ib)
    else:
        diff = got != want
    idx = tuple(int(i) for i in np.argwhere(diff)[0])
    g, w = got[idx], want[idx]
    if want.dtype.kind == "f":
        ib = np.dtype(f"u{want.dtype.itemsize}")
        width = 2 * want.dtype.itemsize
        return idx, f"{g!r} (0x{int(got.view(ib)[idx]):0{width}x})", f"{w!r} (0x{int(want.view(ib)[idx]):0{width}x})", \
            int(diff.sum())
    return idx, repr(g), repr(w), int(diff.sum())


def bits_equal(got, want):
    if got.dtype != want.dtype or got.shape != want.shape:
        return False
    if want.dtype.kind == "f":
        ib = np.dtype(f"u{want.dtype.itemsize}")
        return np.array_equal(got.view(ib), want.view(ib))
    return np.array_equal(got, want)


def check_case(args, config, wl, case_dir, info):
    """Compiles, runs and checks one workload; raises CaseFailure. Fills `info`."""
    spec = yaml.safe_load(wl.read_text())["workload"]
    program, inputs = case_dir / "prog.s", case_dir / "inputs"
    t0 = time.monotonic()
    predicted, summary = compile_case(args.lpusim, config, wl, program, inputs)
    info["predicted"] = predicted
    info["compile_s"] = time.monotonic() - t0
    m = re.search(r"^MXM utilisation: ([0-9.]+)$", summary, re.M)
    info["util"] = float(m.group(1)) if m else None

    sim_out = case_dir / "sim"
    sim_out.mkdir(exist_ok=True)
    cmd = [args.lpusim, "run", "--config", config, "--program", program, "--stats", case_dir / "stats.json"]
    for name in spec["tensors"]:
        cmd += ["--load", f"{name}={inputs / (name + '.npy')}"]
    for name in spec["outputs"]:
        cmd += ["--dump", f"{name}={sim_out / (name + '.npy')}"]
    t0 = time.monotonic()
    p = run(cmd)
    info["run_s"] = time.monotonic() - t0
    if p.returncode != 0:
        raise CaseFailure(f"predicted {predicted} cycles, but lpusim run failed (exit {p.returncode}):\n"
                          f"{p.stdout}{p.stderr}".rstrip())
    m = re.search(r" in (\d+) cycles", p.stdout)
    if not m:
        raise CaseFailure(f"lpusim run printed no '... in N cycles':\n{p.stdout}")
    simulated = int(m.group(1))
    info["simulated"] = simulated
    stats = json.loads((case_dir / "stats.json").read_text())
    problems = []
    if simulated != predicted or stats["cycles"] != predicted:
        problems.append(f"cycles differ: predicted {predicted}, simulated {simulated} (stats {stats['cycles']})")
    check_streams(stats, problems, info)
    if not args.cycles_only:
        check_values(args, config, wl, spec, inputs, sim_out, case_dir / "ref", problems)
    if problems:
        raise CaseFailure("\n".join(problems))


def check_values(args, config, wl, spec, inputs, sim_out, ref_out, problems):
    """Every output against workload_reference.py's, bit for bit (f16 matmuls round per block of
    the config's lanes)."""
    ref_out.mkdir(exist_ok=True)
    lanes, _ = config_geometry(config)
    r = run([sys.executable, args.reference, wl, inputs, ref_out, "--lanes", lanes])
    if r.returncode != 0:
        problems.append(f"workload_reference.py failed (exit {r.returncode}):\n{r.stdout}{r.stderr}".rstrip())
        return
    for name in spec["outputs"]:
        got, want = np.load(sim_out / f"{name}.npy"), np.load(ref_out / f"{name}.npy")
        if got.dtype != want.dtype or got.shape != want.shape:
            problems.append(f"output {name}: simulated {got.dtype}{list(got.shape)}, "
                            f"reference {want.dtype}{list(want.shape)}")
        elif not bits_equal(got, want):
            idx, g, w, n = first_difference(got, want)
            problems.append(f"output {name} {want.dtype}{list(want.shape)}: {n} of {want.size} elements differ; "
                            f"first at {list(idx)}: simulated {g}, reference {w}")


def check_streams(stats, problems, info):
    """Stream statistics are reported, not asserted: a value replaced downstream after its
    consumer read it is legal and expected (the compiler books each value only from its producer
    to its consumer, docs/isa.md 2.2), reductions read some values more than once, and a value
    replaced before its read would show as a wrong output. `never_read` should stay 0 (every
    booked value has a consumer); it is printed for the case and in the summary."""
    st = stats["streams"]
    info["never_read"], info["overwritten"] = st["never_read"], st["overwritten"]
    info["reads"], info["writes"] = st["reads"], st["writes"]


def probe_ops(args, config, lanes, work):
    """The ops of OP_TABLE beyond DEFAULT_OPS that a one-layer workload compiles with."""
    found = []
    for name, op in OP_TABLE.items():
        if name in DEFAULT_OPS:
            continue
        t = op.types[0]
        extra, _ = op.params(random.Random(1), t)
        layer = {"name": "probe", "op": op.op, "a": "X", "out": "Y", **extra}
        wl = {"version": 1, "workload": {"name": f"probe_{name}", "tensors": {"X": {"shape": [3, lanes + 1], "type": t}},
                                         "layers": [layer], "outputs": ["Y"]}}
        path = work / f"probe_{name}.yaml"
        path.write_text(yaml.safe_dump(wl, sort_keys=False))
        p = run([args.lpusim, "compile", "--config", config, "--workload", path, "-o", work / f"probe_{name}.s"])
        if p.returncode == 0:
            found.append(name)
        elif not re.search(r"not supported by the compiler yet|does not do yet", p.stdout + p.stderr):
            # Anything else is a real error: let the sweep hit it too.
            print(f"note: probe of '{name}' failed unexpectedly: {(p.stdout + p.stderr).strip()}")
            found.append(name)
    return found


def sweep(args, spec):
    """One config (`NAME` or `NAME+variants`): args.cases cases; returns the failed indices."""
    name, _, variants = spec.partition("+")
    if variants not in ("", "variants"):
        sys.exit(f"config '{spec}': expected NAME or NAME+variants")
    random_configs = args.random_configs or variants == "variants"
    config = resolve_config(name)
    lanes, _ = config_geometry(config)
    max_blocks = args.max_blocks or (5 if lanes <= 16 else 4 if lanes <= 64 else 3)
    max_rows = args.max_rows or (70 if lanes <= 16 else 150 if lanes <= 64 else 400)
    work = args.work / (config.stem + ("-variants" if random_configs else ""))
    work.mkdir(parents=True, exist_ok=True)

    if args.ops == "default":
        ops = list(DEFAULT_OPS)
    elif args.ops == "auto":
        ops = list(DEFAULT_OPS) + probe_ops(args, config, lanes, work)
    else:
        ops = [o.strip() for o in args.ops.split(",") if o.strip()]
        unknown = [o for o in ops if o not in OP_TABLE]
        if unknown:
            sys.exit(f"--ops: unknown op(s) {', '.join(unknown)}; known: {', '.join(OP_TABLE)}")
    print(f"config {config.name} ({lanes} lanes{', random variants' if random_configs else ''}), seed {args.seed}, "
          f"cases {args.first}..{args.first + args.cases - 1}, K/N up to {max_blocks} blocks, M up to {max_rows}; "
          f"ops: {', '.join(ops)}")
    if random_configs and not args.known_bugs:
        for key, why in KNOWN_BUGS.items():
            print(f"left out (known bug '{key}', --known-bugs to include): {why}")
    not_covered = [o for o in OP_TABLE if o not in ops]
    if not_covered:
        print(f"not covered (not supported by the compiler yet, or not asked for): {', '.join(not_covered)}")

    failures, counts, totals = [], {}, {"never_read": 0, "overwritten": 0}
    started = time.monotonic()
    for index in range(args.first, args.first + args.cases):
        kind, text = make_case(args.seed, index, spec, lanes, max_blocks, max_rows, ops)
        case_dir = work / f"case-{args.seed}-{index}"
        if case_dir.exists():
            shutil.rmtree(case_dir)
        case_dir.mkdir(parents=True)
        wl = case_dir / "workload.yaml"
        wl.write_text(text)
        case_config = config
        if random_configs:
            case_config = random_config(random.Random(f"config:{args.seed}:{index}"), config, case_dir / "config.yaml",
                                        args.known_bugs)
        counts[kind] = counts.get(kind, 0) + 1
        info = {}
        try:
            if args.determinism:
                status = check_determinism(args, case_config, wl, case_dir)
            else:
                check_case(args, case_config, wl, case_dir, info)
                totals["never_read"] += info["never_read"]
                totals["overwritten"] += info["overwritten"]
                note = f", {info['never_read']} stream values never read" if info["never_read"] else ""
                status = (f"ok  {info['predicted']} cycles = simulated, outputs "
                          f"{'not checked' if args.cycles_only else 'bit-exact'}"
                          f" (compile {info['compile_s']:.2f}s, run {info['run_s']:.2f}s{note})")
            if not args.keep:
                shutil.rmtree(case_dir)
        except CaseFailure as e:
            limit = next((n for n, pattern, real in LIMITS if re.search(pattern, str(e)) and real(case_config)), None)
            if limit:
                counts[f"refused ({limit})"] = counts.get(f"refused ({limit})", 0) + 1
                print(f"case {index:4d} {kind:8s} refused, a documented limit of this config ({limit})", flush=True)
                if not args.keep:
                    shutil.rmtree(case_dir)
                continue
            pred, sim = info.get("predicted", "-"), info.get("simulated", "-")
            failures.append(index)
            msg = str(e).replace("\n", "\n      ")
            print(f"case {index:4d} {kind:8s} FAIL: {wl}\n      config {case_config}\n"
                  f"      predicted {pred}, simulated {sim}\n      {msg}\n      files kept in {case_dir}", flush=True)
            continue
        print(f"case {index:4d} {kind:8s} {status}", flush=True)

    elapsed = time.monotonic() - started
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    what = ("compiled twice, byte-identical" if args.determinism else
            "cycle-exact (values not checked: --cycles-only)" if args.cycles_only else "cycle-exact and bit-exact")
    refused = sum(n for k, n in counts.items() if k.startswith("refused"))
    print(f"{spec}: {args.cases - len(failures) - refused} of {args.cases} cases {what}, {refused} refused as "
          f"documented limits ({kinds}) in {elapsed:.1f}s")
    if not args.determinism:
        print(f"{spec}: stream values never read: {totals['never_read']}; replaced downstream after their read "
              f"(overwritten, legal): {totals['overwritten']}")
    if failures:
        print(f"{spec}: FAILED cases {', '.join(map(str, failures))}; reproduce one with "
              f"`check_compile.py LPUSIM {spec} --seed {args.seed} --first I --cases 1"
              f"{' --random-configs' if args.random_configs else ''}`; files in {work}")
    return failures


def check_determinism(args, config, wl, case_dir):
    """Compiles twice to different paths: the programs, the input files and the predictions
    must be identical."""
    p1, _ = compile_case(args.lpusim, config, wl, case_dir / "a.s", case_dir / "in_a")
    p2, _ = compile_case(args.lpusim, config, wl, case_dir / "b.s", case_dir / "in_b")
    diffs = []
    if (case_dir / "a.s").read_bytes() != (case_dir / "b.s").read_bytes():
        diffs.append(f"the two programs differ ({case_dir / 'a.s'}, {case_dir / 'b.s'})")
    names_a = sorted(f.name for f in (case_dir / "in_a").iterdir())
    names_b = sorted(f.name for f in (case_dir / "in_b").iterdir())
    if names_a != names_b:
        diffs.append(f"different input files: {names_a} vs {names_b}")
    for n in names_a:
        if n in names_b and (case_dir / "in_a" / n).read_bytes() != (case_dir / "in_b" / n).read_bytes():
            diffs.append(f"input {n} differs")
    if p1 != p2:
        diffs.append(f"predicted cycles {p1} vs {p2}")
    if diffs:
        raise CaseFailure("; ".join(diffs))
    return f"ok  {p1} cycles, program and inputs identical twice"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lpusim")
    ap.add_argument("config", help="comma-separated configs: a path or a name under configs/ (tiny, small, "
                                   "tsp-v1), each optionally NAME+variants (random variants of it)")
    ap.add_argument("--cases", type=int, default=40, help="cases per config")
    ap.add_argument("--first", type=int, default=0, help="index of the first case (to reproduce one)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=pathlib.Path, default=None, help="working directory (default: a temp dir)")
    ap.add_argument("--ops", default="auto", help="auto, default, or a comma-separated list of OP_TABLE names")
    ap.add_argument("--max-blocks", type=int, default=None, help="K and N up to this many lane-wide blocks")
    ap.add_argument("--max-rows", type=int, default=None, help="M up to this many rows")
    ap.add_argument("--random-configs", action="store_true", help="each case on a random variant of its config")
    ap.add_argument("--determinism", action="store_true", help="compile each case twice; compare; run nothing")
    ap.add_argument("--known-bugs", action="store_true", help="also generate what KNOWN_BUGS leaves out")
    ap.add_argument("--cycles-only", action="store_true",
                    help="check cycles only, not the values (no workload_reference.py)")
    ap.add_argument("--keep", action="store_true", help="keep the files of passing cases too")
    ap.add_argument("--reference", type=pathlib.Path, default=HERE / "workload_reference.py")
    args = ap.parse_args()

    if args.work is None:
        import tempfile
        args.work = pathlib.Path(tempfile.mkdtemp(prefix="check_compile-"))
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.determinism and not args.cycles_only and not args.reference.exists():
        sys.exit(f"{args.reference}: the numpy reference is missing")
    failed = {}
    for spec in [c.strip() for c in args.config.split(",") if c.strip()]:
        failures = sweep(args, spec)
        if failures:
            failed[spec] = failures
        print()
    if failed:
        sys.exit("FAILED: " + "; ".join(f"{spec} cases {', '.join(map(str, f))}" for spec, f in failed.items()))


if __name__ == "__main__":
    main()
