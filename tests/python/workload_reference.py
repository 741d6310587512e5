#!/usr/bin/python3
"""numpy reference for a workload (docs/workload.md), bit for bit what the chip computes.

    workload_reference.py WORKLOAD.yaml INPUT_DIR OUTPUT_DIR
    workload_reference.py --self-test

Reads every input and weight tensor from INPUT_DIR/NAME.npy (`lpusim compile --inputs` writes
them there: the seeded generator is the C++ one and is not repeated here), evaluates the layers
in order and writes OUTPUT_DIR/NAME.npy for every tensor under `outputs`. Arrays are 2-D
(rows, cols) (a [n] tensor is (1, n)); dtypes int8, uint8, int32, float16, float32.

Arithmetic: matmul is exact with int32 wraparound; element-wise operations, conversions and the
transcendentals come from tests/python/vxm_reference.py (docs/vxm-numerics.md); requantisation
is exact int64 arithmetic (section 5); softmax, rms_norm, layer_norm and gelu are the sequences
of binary32 VXM operations in docs/workload.md ("Lowering of float layers"), one at a time, in
the order written there. The workload is assumed valid (`lpusim compile` checked it); the YAML
is read with every scalar as a string so that numbers are parsed like the C++ loader does.

--self-test checks matmul and requantisation against plain Python integer arithmetic on small
random cases, and softmax against the reference of tests/python/check_softmax.py.
"""
import argparse
import math
import os
import pathlib
import random
import struct
import sys

import numpy as np
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import vxm_reference as vr  # noqa: E402

U32 = np.uint32
DTYPES = {"i8": np.int8, "u8": np.uint8, "i32": np.int32, "f16": np.float16, "f32": np.float32}

# gelu's constants (docs/workload.md): binary32 bit patterns.
GELU_C1 = vr.c(0x3D372713)  # 0.044715
GELU_C2 = vr.c(0x3F4C422A)  # 0.7978845608 = sqrt(2 / pi)


class WorkloadError(Exception):
    pass


# ---- lane words (docs/vxm-numerics.md section 1) ---------------------------------------------


def to_lanes(a, t):
    """Canonical 32-bit lane words of an array of type t (i8, i32, f16, f32)."""
    if t in ("i8", "i32"):
        return a.astype(np.int32).view(U32)
    if t == "f16":
        return a.view(np.uint16).astype(U32)
    return np.ascontiguousarray(a, dtype=np.float32).view(U32)


def from_lanes(w, t):
    w = np.asarray(w, dtype=U32)
    if t == "i8":
        return (w & 0xFF).astype(np.uint8).view(np.int8)
    if t == "u8":
        return (w & 0xFF).astype(np.uint8)
    if t == "i32":
        return w.view(np.int32)
    if t == "f16":
        return (w & 0xFFFF).astype(np.uint16).view(np.float16)
    return w.view(np.float32)


def vbinary(op, t, a, b):
    return from_lanes(vr.binary(op, t, to_lanes(a, t), to_lanes(b, t)), t)


def vunary(op, t, a):
    return from_lanes(vr.unary(op, t, to_lanes(a, t)), t)


# binary32 operations of the float lowerings, each one VXM instruction.
def f_add(a, b):
    return vbinary("add", "f32", a, b)


def f_sub(a, b):
    return vbinary("sub", "f32", a, b)


def f_mul(a, b):
    return vbinary("mul", "f32", a, b)


def f_max(a, b):
    return vbinary("max", "f32", a, b)


def f_exp(a):
    return vunary("exp", "f32", a)


def f_tanh(a):
    return vunary("tanh", "f32", a)


def f_rsqrt(a):
    return vunary("rsqrt", "f32", a)


def f32_const(value, like):
    return np.full(like.shape, np.float32(value), dtype=np.float32)


# ---- integer layers ----------------------------------------------------------------------------


def matmul(a, b):
    """Exact int32 products with wraparound (the MXM accumulator wraps modulo 2^32)."""
    p = a.astype(np.int64) @ b.astype(np.int64)  # exact: |sum| < 2^63 for every legal shape
    return ((p + 2**31) % 2**32 - 2**31).astype(np.int32)


def matmul_f16(a, b, lanes):
    """The MXM's fp16 numerics (docs/isa.md 1.5, docs/workload.md): per block of `lanes` rows of
    K, in order, a binary32 sum from +0.0 adding each product (exact in binary32) in turn,
    rounded after every addition; then the blocks' sums added in order, rounding each time."""
    if lanes is None:
        raise WorkloadError("an f16 matmul's rounding depends on the MXM's rows: give --lanes L")
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    total = None
    for k0 in range(0, a.shape[1], lanes):
        s = np.zeros((a.shape[0], b.shape[1]), np.float32)
        for k in range(k0, min(a.shape[1], k0 + lanes)):
            s = s + np.outer(a32[:, k], b32[k])  # float32 + float32: one rounding
        total = s if total is None else total + s
    total[np.isnan(total)] = np.float32(np.nan)  # the MXM's NaN is canonical: 0x7fc00000
    return total


def requant(x, multiplier, shift, zero_point, rounding, to):
    """docs/vxm-numerics.md section 5 in int64: p = x M (|p| <= 2^62), floor shift, the
    remainder against half decides, + zero point, saturate."""
    p = x.astype(np.int64) * np.int64(multiplier)
    if shift == 0:
        q = p
    else:
        fl = p >> np.int64(shift)                        # arithmetic shift: floor
        rem = p & np.int64((1 << shift) - 1)             # non-negative remainder
        half = np.int64(1 << (shift - 1))
        up = {
            "half_even": (rem > half) | ((rem == half) & ((fl & 1) == 1)),
            "half_away": (rem > half) | ((rem == half) & (p >= 0)),
            "half_up": rem >= half,
            "floor": np.zeros(p.shape, dtype=bool),
        }[rounding]
        q = fl + up.astype(np.int64)
    lo, hi = (0, 255) if to == "u8" else (-128, 127)
    return np.clip(q + np.int64(zero_point), lo, hi).astype(DTYPES[to])


def convert(a, frm, to):
    """`convert FROM TO` (docs/vxm-numerics.md section 4); u8 is the integer 0..255 (exact from
    it; to it: floats rounded half to even, NaN to 0, and every value saturated to 0..255)."""
    if frm == to:
        return a.copy()
    if frm == "u8":
        a, frm = a.astype(np.int32), "i32"  # exact
        if frm == to:
            return a
    if to == "u8":
        as_i32 = from_lanes(vr.convert(frm, "i32", to_lanes(a, frm)), "i32")
        return np.clip(as_i32, 0, 255).astype(np.uint8)
    return from_lanes(vr.convert(frm, to, to_lanes(a, frm)), to)


# ---- float layers (docs/workload.md, "Lowering of float layers") -----------------------------
# Each works on x with the reduced axis first: x[j] is element j of every independent row.


def softmax(x):
    m = f32_const(-np.inf, x[0])
    for j in range(len(x)):
        m = f_max(m, x[j])
    e = np.stack([f_exp(f_sub(x[j], m)) for j in range(len(x))])
    s = f32_const(0.0, x[0])
    for j in range(len(x)):
        s = f_add(s, e[j])
    inv = f_rsqrt(f_mul(s, s))
    return np.stack([f_mul(e[j], inv) for j in range(len(x))])


def mean_of(v, n):
    s = f32_const(0.0, v[0])
    for j in range(len(v)):
        s = f_add(s, v[j])
    return f_mul(s, f32_const(1.0 / n, s))  # the double 1/n rounded once to binary32


def rms_norm(x, eps):
    ms = mean_of(np.stack([f_mul(x[j], x[j]) for j in range(len(x))]), len(x))
    inv = f_rsqrt(f_add(ms, f32_const(eps, ms)))
    return np.stack([f_mul(x[j], inv) for j in range(len(x))])


def layer_norm(x, eps):
    mean = mean_of(x, len(x))
    d = np.stack([f_sub(x[j], mean) for j in range(len(x))])
    var = mean_of(np.stack([f_mul(d[j], d[j]) for j in range(len(x))]), len(x))
    inv = f_rsqrt(f_add(var, f32_const(eps, var)))
    return np.stack([f_mul(d[j], inv) for j in range(len(x))])


def gelu(x):
    t = f_mul(x, x)                              # x^2
    t = f_mul(t, x)                              # x^3
    t = f_mul(t, f32_const(GELU_C1, t))          # 0.044715 x^3
    t = f_add(t, x)                              # x + 0.044715 x^3
    t = f_mul(t, f32_const(GELU_C2, t))          # sqrt(2/pi) (...)
    t = f_tanh(t)
    t = f_add(t, f32_const(1.0, t))              # 1 + tanh(...)
    t = f_mul(t, x)                              # x (1 + tanh(...))
    return f_mul(t, f32_const(0.5, t))           # 0.5 x (1 + tanh(...))


def along(axis, fn, x, *args):
    """fn over each row (axis 1) or each column (axis 0), with the reduced axis first."""
    if axis == 1:
        return np.ascontiguousarray(fn(np.ascontiguousarray(x.T), *args).T)
    return fn(x, *args)


# ---- the workload ------------------------------------------------------------------------------


def shape_of(spec):
    dims = [int(d) for d in spec]
    return (1, dims[0]) if len(dims) == 1 else (dims[0], dims[1])


def load_input(path, name, shape, t):
    try:
        a = np.load(path, allow_pickle=False)
    except OSError as e:
        raise WorkloadError(f"{path}: {e}")
    if a.dtype != np.dtype(DTYPES[t]) or a.size != shape[0] * shape[1] or a.ndim not in (1, 2) or (
            a.ndim == 2 and a.shape != shape) or (a.ndim == 1 and shape[0] != 1):
        raise WorkloadError(f"{path}: tensor '{name}' is {list(shape)} {t}, the file holds {a.shape} {a.dtype}")
    return np.ascontiguousarray(a.reshape(shape))


def evaluate(doc, input_dir, lanes=None):
    """All tensors of the workload: the inputs from input_dir, then every layer's result."""
    w = doc["workload"]
    values, types = {}, {}
    for name, spec in w["tensors"].items():
        shape, t = shape_of(spec["shape"]), spec["type"]
        values[name] = load_input(os.path.join(input_dir, name + ".npy"), name, shape, t)
        types[name] = t
    for layer in w["layers"]:
        op, out = layer["op"], layer["out"]
        a = values[layer["a"]]
        ta = types[layer["a"]]
        b = values.get(layer.get("b"))
        axis = int(layer.get("axis", "1"))
        eps = np.float32(float(layer.get("eps", "1e-5")))  # float(eps): parsed as a double, rounded once
        if op == "matmul" and ta == "f16":
            r, tr = matmul_f16(a, b, lanes), "f32"
        elif op == "matmul":
            r, tr = matmul(a, b), "i32"
        elif op in ("add", "sub", "mul", "max", "min"):
            r, tr = vbinary(op, ta, a, np.broadcast_to(b, a.shape)), ta
        elif op in ("relu", "tanh", "exp"):
            r, tr = vunary(op, ta, a), ta
        elif op == "requant":
            tr = layer.get("to", "i8")
            r = requant(a, int(layer["multiplier"]), int(layer["shift"]), int(layer.get("zero_point", "0")),
                        layer.get("rounding", "half_even"), tr)
        elif op == "convert":
            tr = layer["to"]
            r = convert(a, ta, tr)
        elif op == "softmax":
            r, tr = along(axis, softmax, a), "f32"
        elif op == "rms_norm":
            r, tr = along(axis, rms_norm, a, eps), "f32"
        elif op == "layer_norm":
            r, tr = along(axis, layer_norm, a, eps), "f32"
        elif op == "gelu":
            r, tr = gelu(a), "f32"
        elif op == "transpose":
            r, tr = np.ascontiguousarray(a.T), ta
        else:
            raise WorkloadError(f"layer '{layer['name']}': unknown op '{op}'")
        values[out] = np.ascontiguousarray(r, dtype=DTYPES[tr]).reshape(r.shape)
        types[out] = tr
    return values


def run(workload_path, input_dir, output_dir, lanes=None):
    with open(workload_path) as f:
        doc = yaml.load(f, Loader=yaml.BaseLoader)  # every scalar a string, parsed below like the C++ loader
    with np.errstate(all="ignore"):
        values = evaluate(doc, input_dir, lanes)
    os.makedirs(output_dir, exist_ok=True)
    for name in doc["workload"]["outputs"]:
        np.save(os.path.join(output_dir, name + ".npy"), values[name])
        print(f"{name}: {values[name].shape} {values[name].dtype}")


# ---- self-test ---------------------------------------------------------------------------------


def wrap32(v):
    return (v + 2**31) % 2**32 - 2**31


def requant_int(x, m, shift, zp, mode, to):
    """Plain Python integers: divmod by 2^shift, the tie decided by comparing 2 * remainder."""
    q, r = divmod(x * m, 2**shift)  # floor division, 0 <= r < 2^shift
    if mode == "floor":
        up = False
    elif 2 * r != 2**shift:
        up = 2 * r > 2**shift
    elif mode == "half_even":
        up = q % 2 == 1
    elif mode == "half_away":
        up = x * m > 0
    else:  # half_up
        up = True
    lo, hi = (0, 255) if to == "u8" else (-128, 127)
    return min(max(q + up + zp, lo), hi)


def softmax_check_softmax_py(x):
    """tests/python/check_softmax.py's reference (the example's start values m = x_0, s = e_0)."""
    m = x[0].copy()
    for j in range(1, len(x)):
        m = vr.float_maxmin(True, x[j], m)
    e = np.empty_like(x)
    for j in range(len(x)):
        e[j] = vr.vexp(x[j] - m)
    s = e[0].copy()
    for j in range(1, len(x)):
        s = s + e[j]
    return e * vr.vrsqrt(s * s)


def self_test():
    rnd = random.Random(20240611)
    checked = 0
    # matmul: i8 and u8 operands in every combination, shapes from 1 x 1 x 1.
    for _ in range(200):
        m, k, n = rnd.randint(1, 5), rnd.randint(1, 7), rnd.randint(1, 5)
        ta, tb = rnd.choice(("i8", "u8")), rnd.choice(("i8", "u8"))
        lo = {"i8": (-128, 127), "u8": (0, 255)}
        a = [[rnd.randint(*lo[ta]) for _ in range(k)] for _ in range(m)]
        b = [[rnd.randint(*lo[tb]) for _ in range(n)] for _ in range(k)]
        got = matmul(np.array(a, dtype=DTYPES[ta]), np.array(b, dtype=DTYPES[tb]))
        want = [[wrap32(sum(a[i][kk] * b[kk][j] for kk in range(k))) for j in range(n)] for i in range(m)]
        assert got.dtype == np.int32 and got.tolist() == want, (a, b, got, want)
        checked += 1
    # The accumulator wraps: 255 * 255 * 40000 > 2^31.
    a = np.full((1, 40000), 255, dtype=np.uint8)
    got = matmul(a, a.reshape(40000, 1))
    assert int(got[0, 0]) == wrap32(255 * 255 * 40000) < 0, got

    # f16 matmul: against plain Python doubles rounded to binary32 after every addition, per
    # block of `lanes` rows of K. With |values| in [1/64, 8] a product's last bit is >= 2^-32 and
    # a sum < 2^10, so every double addition is exact and the binary32 rounding the only one.
    def f32(v):
        return struct.unpack("<f", struct.pack("<f", v))[0]

    def value():
        return rnd.choice((-1, 1)) * rnd.uniform(1 / 64, 8)
    for _ in range(60):
        m, k, n, lanes = rnd.randint(1, 4), rnd.randint(1, 9), rnd.randint(1, 4), rnd.randint(1, 4)
        a = np.array([[value() for _ in range(k)] for _ in range(m)], dtype=np.float16)
        b = np.array([[value() for _ in range(n)] for _ in range(k)], dtype=np.float16)
        got = matmul_f16(a, b, lanes)
        for i in range(m):
            for j in range(n):
                total = None
                for k0 in range(0, k, lanes):
                    acc = 0.0
                    for kk in range(k0, min(k, k0 + lanes)):
                        acc = f32(acc + float(a[i, kk]) * float(b[kk, j]))
                    total = acc if total is None else f32(total + acc)
                assert got.dtype == np.float32 and float(got[i, j]) == total, (a, b, lanes, got, i, j, total)
        checked += 1

    # requant: every rounding and output type, multipliers and inputs at their extremes.
    xs = [-2**31, 2**31 - 1, 0, 1, -1, 1000, -1000] + [rnd.randint(-2**31, 2**31 - 1) for _ in range(60)]
    xs += [rnd.randint(-300, 300) for _ in range(60)]
    x = np.array(xs, dtype=np.int32)
    for _ in range(150):
        mult = rnd.choice([-2**31, 2**31 - 1, 1, -1, 1518500250, rnd.randint(-2**31, 2**31 - 1), rnd.randint(-9, 9)])
        shift = rnd.choice([0, 1, 2, 31, 35, 62, 63, rnd.randint(0, 63)])
        zp = rnd.choice([0, -3, 128, -2**31, 2**31 - 1, rnd.randint(-300, 300)])
        mode = rnd.choice(["half_even", "half_away", "half_up", "floor"])
        to = rnd.choice(["i8", "u8"])
        got = requant(x, mult, shift, zp, mode, to).tolist()
        want = [requant_int(v, mult, shift, zp, mode, to) for v in xs]
        assert got == want, (mult, shift, zp, mode, to, [(v, g, w_) for v, g, w_ in zip(xs, got, want) if g != w_][:5])
        # vxm_reference.py computes the same from Python fractions: a third opinion.
        lanes = vr.requant(to, mult, shift, zp, mode, x.view(U32))
        assert from_lanes(lanes, to).tolist() == want, (mult, shift, zp, mode, to)
        checked += 1
    # Ties of every kind: x * M / 2^shift = k + 1/2.
    for mode, want in (("half_even", [2, -2, 0, 0]), ("half_away", [3, -3, 1, -1]), ("half_up", [3, -2, 1, 0]),
                       ("floor", [2, -3, 0, -1])):
        got = requant(np.array([5, -5, 1, -1], dtype=np.int32), 1, 1, 0, mode, "i8").tolist()
        assert got == want, (mode, got, want)

    # softmax (axis 0) equals check_softmax.py's reference bit for bit, corner lanes included.
    nrng = np.random.default_rng(7)
    with np.errstate(all="ignore"):
        for n in (1, 2, 5, 37):
            x = (nrng.standard_normal((n, 8)) * 3).astype(np.float32)
            x[:, 1] = 0.75
            x[:, 2] = (1000 + nrng.standard_normal(n)).astype(np.float32)
            x[:, 3] = nrng.uniform(-200, 50, n).astype(np.float32)
            x[:, 4] = np.where(np.arange(n) % 2 == 0, np.float32(0.0), np.float32(-0.0))
            x[:, 5] = nrng.uniform(-103, -50, n).astype(np.float32)
            got, want = softmax(x), softmax_check_softmax_py(x)
            assert (got.view(U32) == want.view(U32)).all(), (n, got, want)
            rows = along(1, softmax, np.ascontiguousarray(x.T))  # along each row of the transpose
            assert (rows.view(U32) == got.T.view(U32)).all(), n
            checked += 1
        # The float layers are close to their definitions (a sanity check, not the exactness test).
        x = nrng.uniform(-4, 4, (16, 5)).astype(np.float32)
        x64 = x.astype(np.float64)
        g = 0.5 * x64 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x64 + 0.044715 * x64**3)))
        assert np.abs(gelu(x) - g).max() < 1e-5
        rms = x64 / np.sqrt((x64**2).mean(axis=0) + 1e-5)
        assert np.abs(rms_norm(x, np.float32(1e-5)) - rms).max() < 1e-5
        mu = x64.mean(axis=0)
        ln = (x64 - mu) / np.sqrt(((x64 - mu)**2).mean(axis=0) + 1e-5)
        assert np.abs(layer_norm(x, np.float32(1e-5)) - ln).max() < 1e-5
    print(f"workload_reference.py self-test passed ({checked} random cases)")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return
    ap = argparse.ArgumentParser(description="numpy reference outputs of a workload (docs/workload.md 7)")
    ap.add_argument("workload")
    ap.add_argument("input_dir")
    ap.add_argument("output_dir")
    ap.add_argument("--lanes", type=int, help="the config's lanes (the MXM's rows): needed by f16 matmuls only")
    args = ap.parse_args()
    try:
        run(args.workload, args.input_dir, args.output_dir, args.lanes)
    except (WorkloadError, OSError, KeyError, yaml.YAMLError) as e:
        sys.exit(f"workload_reference.py: {e}")


if __name__ == "__main__":
    main()
