#!/usr/bin/python3
"""numpy reference for the VXM arithmetic, written from docs/vxm-numerics.md.

    vxm_reference.py CASES INPUTS OUTPUTS

CASES has one line per case, "N OPERATION" (OPERATION as docs/vxm-numerics.md section 8 writes
it, e.g. "add f16", "convert f32 i8", "requant u8 1073741824 35 -3 half_even"). INPUTS holds,
per case, N little-endian uint32 lane words x and, for a binary operation, N words y. OUTPUTS
receives N result lane words per case. tests/unit/test_vxm_alu.cpp writes the inputs and
compares the model's results with these. Exit status 77 means numpy is missing.

Floating-point results come from numpy float32 arithmetic, one operation at a time, in the
order the document gives; binary16 results from numpy's own float16 conversion and arithmetic;
requantisation from exact Python fractions. NaN encodings follow the document's rules, which
numpy does not define.
"""
import sys
from fractions import Fraction
import math

try:
    import numpy as np
except ImportError:
    sys.exit(77)

f32 = np.float32
U32 = np.uint32

# ---- constants of section 6, as binary32 bit patterns ----------------------------------------


def c(bits):
    return np.array([bits], dtype=U32).view(np.float32)[0]


EXP_MIN, EXP_MAX = c(0xC2D00000), c(0x42B20000)         # -104, 89
LOG2E, MAGIC = c(0x3FB8AA3B), c(0x4B400000)             # log2(e), 1.5 * 2^23
LN2_HI, LN2_LO = c(0x3F317200), c(0x35BFBE8E)
EXP_POLY = [c(b) for b in (0x3F000000, 0x3E2AAAAB, 0x3D2AAAAB, 0x3C088889, 0x3AB60B61, 0x39500D01)]
TANH_SMALL = c(0x3F333333)                               # 0.7
TANH_POLY = [c(b) for b in (0xBEAAAAA8, 0x3E08879E, 0xBD5CDC38, 0x3CB0B5CB, 0xBC0128FF, 0x3AF877FF)]
RSQRT_MAGIC = 0x5F3759DF

F32_NAN, F16_NAN = 0x7FC00000, 0x7E00
INT_TYPES = {"i8": np.int8, "i16": np.int16, "i32": np.int32}

# ---- lane words ------------------------------------------------------------------------------


def read_int(t, w):
    """The integer each lane holds: its low 8/16/32 bits, signed."""
    if t == "i8":
        return (w & 0xFF).astype(np.uint8).view(np.int8)
    if t == "i16":
        return (w & 0xFFFF).astype(np.uint16).view(np.int16)
    return w.view(np.int32)


def int_lanes(v):
    """Canonical lanes: sign-extended to 32 bits."""
    return v.astype(np.int32).view(U32)


def bits32(x):
    return np.ascontiguousarray(x, dtype=np.float32).view(U32)


def from_bits32(b):
    return np.ascontiguousarray(b, dtype=U32).view(np.float32)


def canon32(x):
    """binary32 result lanes, NaN -> the canonical NaN."""
    return np.where(np.isnan(x), U32(F32_NAN), bits32(x))


def read_f16(w):
    return (w & 0xFFFF).astype(np.uint16).view(np.float16)


def f16_lanes(h):
    return h.view(np.uint16).astype(U32)


def f32_to_f16_lanes(b):
    """Section 4: non-NaN through numpy's float32 -> float16 conversion (round to nearest even);
    NaN: sign, quiet bit, top 9 payload bits."""
    x = from_bits32(b)
    ok = f16_lanes(np.where(np.isnan(x), f32(0), x).astype(np.float16))
    nan = ((b >> 16) & 0x8000) | 0x7E00 | ((b & 0x7FFFFF) >> 13)
    return np.where(np.isnan(x), nan, ok).astype(U32)


def f16_to_f32_lanes(w):
    h = (w & 0xFFFF).astype(U32)
    x = read_f16(w)
    ok = bits32(np.where(np.isnan(x), np.float16(0), x).astype(np.float32))
    nan = ((h & 0x8000) << 16) | 0x7FC00000 | ((h & 0x3FF) << 13)
    return np.where(np.isnan(x), nan, ok).astype(U32)


def float_in(t, w):
    """Operand lanes as float32 values (binary16 widens exactly)."""
    return from_bits32(f16_to_f32_lanes(w)) if t == "f16" else from_bits32(w)


def float_out(t, x):
    """float32 results -> lanes: NaN canonical, binary16 rounded once."""
    b = canon32(x)
    return f32_to_f16_lanes(b) if t == "f16" else b

# ---- section 3: element-wise operations ------------------------------------------------------


def float_maxmin(is_max, a, b):
    """IEEE maximum/minimum: NaN wins, -0 < +0."""
    pick = np.where(a > b, a, b) if is_max else np.where(a < b, a, b)
    ab, bb = bits32(a), bits32(b)
    zeros = (a == 0) & (b == 0)
    zero = (ab & bb) if is_max else (ab | bb)  # +0 if either is +0 (max), -0 if either is -0 (min)
    out = np.where(zeros, from_bits32(zero), pick)
    return np.where(np.isnan(a) | np.isnan(b), np.float32(np.nan), out)


def binary(op, t, x, y):
    if t in INT_TYPES:
        a, b = read_int(t, x), read_int(t, y)
        info = np.iinfo(INT_TYPES[t])
        wide = a.astype(np.int64), b.astype(np.int64)
        r = {
            "add": lambda: a + b,  # numpy integer arrays wrap
            "sub": lambda: a - b,
            "mul": lambda: a * b,
            "max": lambda: np.maximum(a, b),
            "min": lambda: np.minimum(a, b),
            "add_sat": lambda: np.clip(wide[0] + wide[1], info.min, info.max),
            "sub_sat": lambda: np.clip(wide[0] - wide[1], info.min, info.max),
            "and": lambda: a & b,
            "or": lambda: a | b,
            "xor": lambda: a ^ b,
        }[op]()
        return int_lanes(np.asarray(r).astype(INT_TYPES[t]))
    if op in ("max", "min"):
        return float_out(t, float_maxmin(op == "max", float_in(t, x), float_in(t, y)))
    if t == "f16":
        a, b = read_f16(x), read_f16(y)  # numpy's own binary16 arithmetic
    else:
        a, b = from_bits32(x), from_bits32(y)
    r = {"add": np.add, "sub": np.subtract, "mul": np.multiply}[op](a, b)
    if t == "f16":
        return np.where(np.isnan(r), U32(F16_NAN), f16_lanes(r))
    return canon32(r)

# ---- section 6: transcendental functions, step by step in float32 ----------------------------


def pow2(e):
    return from_bits32(((e + 127) << 23).astype(U32))


def vexp(x):
    nan = np.isnan(x)
    x = np.where(nan, f32(0), x)
    x = np.where(x < EXP_MIN, EXP_MIN, x)
    x = np.where(x > EXP_MAX, EXP_MAX, x)
    t = x * LOG2E
    nf = (t + MAGIC) - MAGIC
    r = (x - nf * LN2_HI) - nf * LN2_LO
    q = np.full_like(r, EXP_POLY[5])
    for k in range(4, -1, -1):
        q = q * r + EXP_POLY[k]
    p = f32(1) + (r + (r * r) * q)
    n = nf.astype(np.int32)
    n1 = np.where(n < 0, -((-n) // 2), n // 2)  # truncating division
    n2 = n - n1
    y = (p * pow2(n1)) * pow2(n2)
    return np.where(nan, np.float32(np.nan), y)


def vtanh(x):
    xb = bits32(x)
    a = from_bits32(xb & 0x7FFFFFFF)
    t = a * a
    p = np.full_like(t, TANH_POLY[5])
    for k in range(4, -1, -1):
        p = p * t + TANH_POLY[k]
    small = a + a * (t * p)
    e = vexp(a + a)
    large = f32(1) - f32(2) / (e + f32(1))
    y = np.where(a < TANH_SMALL, small, large)
    y = from_bits32((bits32(y) & 0x7FFFFFFF) | (xb & 0x80000000))
    return np.where(np.isnan(x), np.float32(np.nan), y)


def vrsqrt(x):
    b = bits32(x)
    sub = (b >> 23) == 0
    bs = np.where(sub, bits32(x * pow2(np.full(x.shape, 24, np.int32))), b)
    e = (bs >> 23).astype(np.int32) - 127 - np.where(sub, 24, 0)
    odd = e & 1
    j = (e - odd) // 2
    m = from_bits32((bs & 0x7FFFFF) | ((127 + odd).astype(U32) << 23))
    h = f32(0.5) * m
    y = from_bits32((U32(RSQRT_MAGIC) - (bits32(m) >> 1)).astype(U32))
    for _ in range(2):
        y = y * (f32(1.5) - h * (y * y))
    y = y + y * (f32(0.5) - h * (y * y))
    y = y * pow2(np.clip(-j, -126, 127))
    y = np.where((b & 0x7FFFFFFF) == 0, from_bits32((b & 0x80000000) | 0x7F800000), y)
    y = np.where(b == 0x7F800000, f32(0), y)
    return np.where(np.isnan(x) | ((b >> 31) == 1) & ((b & 0x7FFFFFFF) != 0), np.float32(np.nan), y)


def unary(op, t, w):
    if t in INT_TYPES:
        a = read_int(t, w)
        r = {"neg": lambda: -a, "abs": lambda: np.abs(a), "relu": lambda: np.maximum(a, 0)}[op]()
        return int_lanes(r.astype(INT_TYPES[t]))
    sign = 0x8000 if t == "f16" else 0x80000000
    bits = w & 0xFFFF if t == "f16" else w
    if op == "neg":
        return (bits ^ sign).astype(U32)
    if op == "abs":
        return (bits & ~U32(sign)).astype(U32)
    x = float_in(t, w)
    fn = {"relu": lambda v: np.where(np.isnan(v), v, np.where(v > 0, v, f32(0))),
          "tanh": vtanh, "exp": vexp, "rsqrt": vrsqrt}[op]
    return float_out(t, fn(x))

# ---- sections 4 and 5: conversions and requantisation -----------------------------------------


def convert(frm, to, w):
    if frm == to:
        return int_lanes(read_int(frm, w)) if frm in INT_TYPES else (w & 0xFFFF if frm == "f16" else w)
    if frm in INT_TYPES:
        v = read_int(frm, w)
        if to in INT_TYPES:
            info = np.iinfo(INT_TYPES[to])
            return int_lanes(np.clip(v.astype(np.int64), info.min, info.max))
        if to == "f32":
            return bits32(v.astype(np.int32).astype(np.float32))
        return f16_lanes(v.astype(np.int32).astype(np.float16))  # numpy: int -> float16 directly
    x = (read_f16(w) if frm == "f16" else from_bits32(w)).astype(np.float64)  # exact
    if to in INT_TYPES:
        info = np.iinfo(INT_TYPES[to])
        r = np.clip(np.rint(np.where(np.isnan(x), 0.0, x)), info.min, info.max)  # rint: half to even
        return int_lanes(r.astype(np.int64))
    return f16_to_f32_lanes(w) if to == "f32" else f32_to_f16_lanes(w)


def round_fraction(v, mode):
    if mode == "half_even":
        return round(v)  # Python rounds a Fraction half to even
    if mode == "half_away":
        return (-1 if v < 0 else 1) * math.floor(abs(v) + Fraction(1, 2))
    if mode == "half_up":
        return math.floor(v + Fraction(1, 2))
    return math.floor(v)


def requant(out, m, shift, zp, mode, w):
    lo, hi = (0, 255) if out == "u8" else (-128, 127)
    res = []
    for x in w.view(np.int32).tolist():
        q = round_fraction(Fraction(x * m, 2 ** shift), mode) + zp
        res.append(min(max(q, lo), hi))
    r = np.array(res, dtype=np.int64)
    return r.astype(U32) if out == "u8" else int_lanes(r)


BINARY = {"add", "sub", "mul", "max", "min", "add_sat", "sub_sat", "and", "or", "xor"}


def run(text, x, y):
    w = text.split()
    if w[0] == "convert":
        return convert(w[1], w[2], x)
    if w[0] == "requant":
        return requant(w[1], int(w[2]), int(w[3]), int(w[4]), w[5], x)
    if w[0] in BINARY:
        return binary(w[0], w[1], x, y)
    return unary(w[0], w[1], x)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: vxm_reference.py CASES INPUTS OUTPUTS")
    cases_path, in_path, out_path = sys.argv[1:4]
    words = np.fromfile(in_path, dtype="<u4").astype(U32)
    at, results = 0, []
    with np.errstate(all="ignore"):
        for line in open(cases_path):
            n_text, text = line.rstrip("\n").split(" ", 1)
            n = int(n_text)
            x = words[at:at + n]
            at += n
            y = None
            if text.split()[0] in BINARY:
                y = words[at:at + n]
                at += n
            z = np.asarray(run(text, x, y), dtype=U32)
            assert z.shape == (n,), (text, z.shape)
            results.append(z)
    assert at == words.size, "input longer than the cases"
    np.concatenate(results).astype("<u4").tofile(out_path)


if __name__ == "__main__":
    main()
