"""Confidence intervals for a binomial proportion: k events in n trials.

Fault campaigns often see zero events at low fault rates, so a point estimate alone says
little; the intervals here stay meaningful at k = 0 and k = n.

- clopper_pearson(k, n): the exact interval (Clopper and Pearson, 1934), the set of p for which
  the observed k is not in either alpha/2 tail: P(X >= k | p_lo) = alpha/2 and
  P(X <= k | p_hi) = alpha/2, found by bisection on the binomial tails, which are incomplete
  beta functions (continued fraction, Numerical Recipes 6.4; no scipy). At k = 0 the upper bound
  is 1 - (alpha/2)^(1/n) (about 3.7/n at 95 %).
- wilson(k, n): the Wilson score interval, closed form.
"""
import math

_Z = {0.90: 1.6448536269514722, 0.95: 1.959963984540054, 0.99: 2.5758293035489004}


def _betacf(a, b, x):
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b), a, b > 0."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p): 1 - I_p(k + 1, n - k)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return 1.0 - betainc(k + 1, n - k, p)


def sf(k, n, p):
    """P(X >= k) = I_p(k, n - k + 1)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return betainc(k, n - k + 1, p)


def _bisect(f, target, increasing, iterations=64):
    lo, hi = 0.0, 1.0
    for _ in range(iterations):
        mid = (lo + hi) / 2
        v = f(mid)
        if (v < target) == increasing:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def clopper_pearson(k, n, confidence=0.95):
    """(lower, upper) bounds of the exact two-sided interval for p."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"clopper_pearson: need 0 <= k <= n and n > 0, got k={k}, n={n}")
    a = (1 - confidence) / 2
    lower = 0.0 if k == 0 else _bisect(lambda p: sf(k, n, p), a, increasing=True)
    upper = 1.0 if k == n else _bisect(lambda p: cdf(k, n, p), a, increasing=False)
    return lower, upper


def wilson(k, n, confidence=0.95):
    """(lower, upper) of the Wilson score interval."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"wilson: need 0 <= k <= n and n > 0, got k={k}, n={n}")
    z = _Z[confidence]
    phat = k / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
