"""The jobs of scripts/regress.py: what each kind draws from its seed (plan) and how it runs and
checks it (execute), in a job directory of its own.

A job is (kind, config, seed); everything it does follows from those three (and an injected
fault, when testing the regression itself), so `scripts/regress.py --job KIND:CONFIG:SEED`
replays it exactly. The generators and references are the repository's own, imported, not
copied: tests/python/check_compile.py's random workloads, tests/python/workload_reference.py's
numpy outputs, examples/system/gen_system.py's multi-chip programs and their numpy-expected
outputs, tests/python/check_system_example.py's link accounting.

Commands name files in the job directory as "{JOB}/..."; they are run with it substituted and
reported with the directory the files end up in (failures/<job>/), so every reported command
is the one that ran, copy-pasteable from the repository root.
"""
import contextlib
import io
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time

import numpy as np
import yaml

from lpusimtools import coverage_plan
from lpusimtools.common import ROOT, atomic_write

sys.path.insert(0, str(ROOT / "tests" / "python"))
import check_compile  # noqa: E402  the compile sweep's workload generator
import check_system_example  # noqa: E402  the system example's link accounting
import workload_reference  # noqa: E402  the numpy reference of a workload

GEN_SYSTEM = ROOT / "examples" / "system" / "gen_system.py"
COVERAGE_PLAN = ROOT / "tests" / "data" / "coverage" / "plan.yaml"
SEEDED_KINDS = ("cosim", "workload", "workload-cosim", "system")
# plan: the runs of the coverage plan (docs/coverage.md), one job each, seed-independent.
KINDS = SEEDED_KINDS + ("plan",)
STIMULI = ("random", "zeros", "identity", "min-neg", "uint8-extremes", "weight-swap", "dense")
# --inject-fault: what it does, and the kinds it applies to (others run as usual).
FAULTS = {
    "corrupt-output": ("lpusim cosim mxm --inject corrupt-output:N (a bit of result beat N flipped before the "
                       "checker)", ("cosim",)),
    "corrupt-input": ("lpusim cosim mxm --inject corrupt-input:N (the N-th ABC's activations inverted on the "
                      "RTL's pins)", ("cosim",)),
    "late-output": ("lpusim cosim mxm --inject late-output:N (result beat N one cycle late)", ("cosim",)),
    "program-skew": ("the compiled program's first 'NOP n' before a MEM Write made 'NOP n-1': the Write reads its "
                     "stream a cycle early", ("workload", "workload-cosim")),
    "reference-flip": ("one bit of one element of the numpy reference flipped", ("workload", "workload-cosim",
                                                                                  "system")),
}
WAVE_BEFORE, WAVE_AFTER = 100, 20  # cycles of waveform before and after a failing cycle
WORKLOAD_DRAWS = 16  # workload-cosim: draws until one has an int8 matmul and no fp16 one
F16_MXM = re.compile(r"^\s*(LW\s+\d+,\s*f16|ABC\s+f16)\b", re.M)  # the MXM RTL is int8-only
INT_MXM = re.compile(r"^\s*ABC\s+[iu]8\b", re.M)
# Pre-FEC bit error rates: none, corrected by KP4 (tiny's 16-byte vectors are one RS(44,14)
# codeword, t = 15), and some uncorrectable codewords (3e-2: about 9 %, 5e-2: about half).
SYSTEM_BERS = (0.0, 0.0, 1e-4, 1e-3, 1e-2, 3e-2, 5e-2, 5e-2)
ALL_OPS = list(check_compile.OP_TABLE)


class JobFailure(Exception):
    """A failed check: `message` one line; `details` the rest; `waves` the command (a list with
    {JOB}) that writes the waveform, with `window` (FROM, TO) or None; `replay` the command that
    reproduces the failure, and `expect_rc` the exit code it must give (None: not run by us)."""

    def __init__(self, message, details="", waves=None, window=None, replay=None, expect_rc=None, match=None):
        super().__init__(message)
        self.message, self.details = message, details
        self.waves, self.window, self.replay, self.expect_rc, self.match = waves, window, replay, expect_rc, match


class JobSkip(Exception):
    pass


# ---- jobs and their plans ----------------------------------------------------------------------
def config_path(config):
    """A config name (tiny, small, tsp-v1) or a path, as regress.py was given it."""
    p = ROOT / "configs" / f"{config}.yaml"
    return p if "/" not in config and not config.endswith((".yaml", ".yml")) else (ROOT / config).resolve()


def config_label(config):
    return config_path(config).stem


def label_of(kind, config):
    """The summary's config column: the config's name; the plan's file for its runs."""
    return COVERAGE_PLAN.name if kind == "plan" else config_label(config)


_PLAN = {}


def plan_runs():
    """The coverage plan's runs by name (read once per process)."""
    if not _PLAN:
        _PLAN.update({r["name"]: r for r in coverage_plan.load_plan(COVERAGE_PLAN)["runs"]})
    return _PLAN


def applies(kind, config):
    """System jobs run systems of tiny chips (examples/system/gen_system.py builds only those)."""
    return kind != "system" or config_label(config) == "tiny"


def job_id(kind, config, seed):
    """KIND:CONFIG:SEED; a coverage plan run is plan:NAME."""
    return f"{kind}:{config}" if kind == "plan" else f"{kind}:{config}:{seed}"


def parse_job_id(text):
    """KIND:CONFIG:SEED (or plan:NAME) -> (kind, config, seed); ValueError naming what is wrong."""
    kind, sep, rest = text.partition(":")
    if kind == "plan":
        if rest not in plan_runs():
            raise ValueError(f"{shown(COVERAGE_PLAN)} has no run '{rest}'")
        return kind, rest, None
    config, sep2, seed = rest.rpartition(":")
    if not sep or not sep2 or not config:
        raise ValueError(f"expected KIND:CONFIG:SEED, got '{text}'")
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}' (kinds: {', '.join(KINDS)})")
    if not seed.isdigit():
        raise ValueError(f"seed '{seed}' is not a non-negative integer")
    return kind, config, int(seed)


def slug(jid):
    return re.sub(r"[^A-Za-z0-9._-]", "_", jid)


def workload_limits(lanes):
    """K/N blocks and M rows of the generated workloads: the compile sweep's defaults."""
    return (5, 70) if lanes <= 16 else (4, 150) if lanes <= 64 else (3, 400)


def plan(kind, config, seed, draw=0):
    """What the job draws from its seed, cheaply (no lpusim run): a dict, JSON-serialisable."""
    if kind == "plan":
        run = plan_runs()[config]
        return {"what": run["what"], "steps": len(run["steps"]), "expect_exit": run["expect_exit"],
                "expect_error": run["expect_error"]}
    if kind == "cosim":
        rng = random.Random(f"cosim:{config_label(config)}:{seed}")
        return {"stimulus": STIMULI[seed % len(STIMULI)], "ops": rng.choice((1000, 2000, 4000, 8000)),
                "inject_at": rng.randrange(0, 64)}
    if kind in ("workload", "workload-cosim"):
        lanes, _ = check_compile.config_geometry(config_path(config))
        blocks, rows = workload_limits(lanes)
        case, text = check_compile.make_case(seed, draw, f"regress:{kind}:{config_label(config)}", lanes, blocks,
                                             rows, ALL_OPS)
        # The generator's first line names check_compile.py; this job is replayed by regress.py.
        text = re.sub(r"\A# .*\n", f"# scripts/regress.py --job {job_id(kind, config, seed)} (draw {draw}: "
                                   f"{case}, {lanes} lanes)\n", text)
        return {"case": case, "draw": draw, "lanes": lanes, "yaml": text}
    rng = random.Random(f"system:{seed}")
    workload = rng.choices(("pipeline", "allreduce", "multihop"), weights=(3, 1, 1))[0]
    if workload == "pipeline":
        args = ["--chips", rng.randint(1, 8), "--batches", rng.randint(1, 6), "--rows", rng.randint(1, 8),
                "--cable-latency", rng.randint(0, 400)]
    elif workload == "allreduce":
        args = ["--rows", rng.randint(1, 3)]
    else:
        args = ["--rows", rng.randint(1, 8), "--source", f"n{rng.randrange(9)}.c{rng.randrange(8)}"]
    burst = rng.random() < 0.25
    return {"workload": workload, "args": [str(a) for a in args], "data_seed": rng.randrange(1 << 31),
            "ber": rng.choice(SYSTEM_BERS), "burst_probability": 0.2 if burst else 0.0, "burst_bits": 32 if burst else 0,
            "system_seed": rng.randrange(1 << 31), "threads": rng.choice((1, 2))}


def describe(kind, params):
    """One line of a plan, for --list and the JUnit test name."""
    if kind == "plan":
        return params["what"] or f"{params['steps']} steps"
    if kind == "cosim":
        return f"{params['stimulus']}, {params['ops']} ops"
    if kind in ("workload", "workload-cosim"):
        return f"{params['case']}" + (f" (draw {params['draw']})" if params["draw"] else "")
    errs = f"ber {params['ber']:g}" + (f", bursts of {params['burst_bits']}" if params["burst_bits"] else "")
    return f"{params['workload']} {' '.join(params['args'])}, {errs}"


# ---- running one job ---------------------------------------------------------------------------
def shown(path):
    """A path as commands show it: relative to the repository root when under it."""
    path = os.path.abspath(path)
    rel = os.path.relpath(path, ROOT)
    return path if rel.startswith("..") else rel


class Ctx:
    """One job's run: its directory, settings, the commands it ran and their output."""

    def __init__(self, env, kind, config, seed, work):
        self.env, self.kind, self.config, self.seed, self.work = env, kind, config, seed, work
        self.jid = job_id(kind, config, seed)
        self.cfg = shown(config_path(config))
        self.exe = env["exe"]
        self.deadline = time.monotonic() + env["timeout"]
        self.log = []
        self.params = {}
        self.coverage = []  # files the job's commands wrote with --coverage
        self.notes = []  # worth a look, not a failure

    def path(self, rel):
        return os.path.join(self.work, rel)

    def render(self, args, base=None):
        base = shown(base or self.work)
        return [str(a).replace("{JOB}", base) for a in args]

    def cov(self, command, name):
        """--coverage FILE for `command` (run, cosim, system) if this lpusim collects coverage there."""
        if not self.env["coverage"].get(command):
            return []
        self.coverage.append(name)
        return ["--coverage", "{JOB}/" + name]

    def run(self, args, base=None):
        cmd = self.render(args, base)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise JobFailure(f"timed out after {self.env['timeout']} s (--timeout)")
        try:
            p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=left)
        except subprocess.TimeoutExpired as e:
            self.log.append((cmd, -9, e.stdout or "", e.stderr or ""))
            raise JobFailure(f"timed out after {self.env['timeout']} s (--timeout): {shlex.join(cmd[:3])} ...")
        except OSError as e:
            raise JobFailure(f"cannot run {cmd[0]}: {e.strerror}")
        self.log.append((cmd, p.returncode, p.stdout, p.stderr))
        return p

    def output_text(self):
        parts = []
        for cmd, rc, out, err in self.log:
            parts.append(f"$ {shlex.join(cmd)}\n{out}{err}" + (f"[exit {rc}]\n" if rc is not None else ""))
        return "\n".join(parts)


def failing_cycle(text):
    """The cycle a failing lpusim names: a co-simulation's first divergence, else the first
    'cycle N' (a schedule error's)."""
    m = re.search(r"first divergence at cycle (\d+)", text) or re.search(r"\bcycle (\d+)", text)
    return int(m.group(1)) if m else None


def window_around(cycle, after=None):
    return (max(0, cycle - WAVE_BEFORE), (after if after is not None else cycle) + WAVE_AFTER)


def first_line(p):
    for line in (p.stderr or "").splitlines() + (p.stdout or "").splitlines():
        if line.strip():
            return line.strip()
    return f"exit code {p.returncode}"


def lpusim_error(p):
    """The first line of what a failing lpusim printed, without its 'lpusim: (error: )' prefix."""
    return re.sub(r"^lpusim: (error: |FAIL )?", "", first_line(p))


# ---- kind: MXM co-simulation ---------------------------------------------------------------------
def run_cosim(ctx):
    P = ctx.params
    args = [ctx.exe, "cosim", "mxm", "--config", ctx.cfg, "--seed", ctx.seed, "--stimulus", P["stimulus"],
            "--ops", P["ops"]]
    fault = ctx.env["inject"]
    if fault in ("corrupt-output", "corrupt-input", "late-output"):
        args += ["--inject", f"{fault}:{P['inject_at']}"]
    args += ctx.cov("cosim", "coverage.json")
    p = ctx.run(args)
    if p.returncode == 0 and re.search(r"^PASS ", p.stdout, re.M):
        m = re.search(r"result vectors checked against RTL: (\d+)", p.stdout)
        P["beats"] = int(m.group(1)) if m else None
        return
    div = re.search(r"^(first divergence at cycle (\d+).*)$", p.stderr, re.M)
    replay = re.search(r"^\s*replay: (.*)$", p.stderr, re.M)
    if p.returncode != 1 or not div or not replay:
        raise JobFailure(f"lpusim cosim mxm: exit {p.returncode}: {lpusim_error(p)}", p.stdout + p.stderr,
                         replay=args, expect_rc=p.returncode)
    # lpusim's own replay line, its waves put in the job's directory.
    cmd = shlex.split(replay.group(1))
    if "--wave" in cmd:
        cmd[cmd.index("--wave") + 1] = "{JOB}/wave"
    else:
        cmd += ["--wave", "{JOB}/wave"]
    w = re.search(r"--wave-window (\d+):(\d+)", replay.group(1))
    raise JobFailure(div.group(1), p.stderr, waves=cmd, window=(int(w.group(1)), int(w.group(2))) if w else None,
                     replay=cmd, expect_rc=1, match=div.group(1))


# ---- kind: compiled random workloads -----------------------------------------------------------
def compile_workload(ctx, cosim):
    """Draws until the workload suits the job (with --cosim mxm: an int8 matmul for the RTL to
    check, and no fp16 one, which it cannot run); writes workload.yaml, prog.s, inputs/,
    report.json. Returns the report."""
    for draw in range(WORKLOAD_DRAWS):
        if draw:
            ctx.params.update(plan(ctx.kind, ctx.config, ctx.seed, draw))
        atomic_write(ctx.path("workload.yaml"), ctx.params["yaml"])
        args = [ctx.exe, "compile", "--config", ctx.cfg, "--workload", "{JOB}/workload.yaml", "-o", "{JOB}/prog.s",
                "--inputs", "{JOB}/inputs", "--report", "{JOB}/report.json"]
        p = ctx.run(args)
        if p.returncode != 0:
            text = p.stdout + p.stderr
            limit = next((n for n, pattern, real in check_compile.LIMITS
                          if re.search(pattern, text) and real(config_path(ctx.config))), None)
            if limit:
                raise JobSkip(f"refused, a documented limit of this config ({limit}): {lpusim_error(p)}")
            raise JobFailure(f"lpusim compile: exit {p.returncode}: {lpusim_error(p)}", text, replay=args,
                             expect_rc=p.returncode)
        program = open(ctx.path("prog.s")).read()
        if not cosim or (INT_MXM.search(program) and not F16_MXM.search(program)):
            return json.load(open(ctx.path("report.json")))
    raise JobSkip(f"no workload with an int8 matmul and no fp16 one in {WORKLOAD_DRAWS} draws")


def skew_program(ctx):
    """--inject-fault program-skew: the first 'NOP n' (n >= 2) right before a MEM Write (else
    before any instruction) made n - 1: that instruction issues a cycle early."""
    path = ctx.path("prog.s")
    text = open(path).read()
    m = (re.search(r"^(\s*)NOP ([2-9]|\d\d+)\n(\s*Write )", text, re.M) or
         re.search(r"^(\s*)NOP ([2-9]|\d\d+)\n(\s*[A-Za-z])", text, re.M))
    if not m:
        ctx.params["skew"] = "no 'NOP n' (n >= 2) to skew"
        return
    n = int(m.group(2))
    ctx.params["skew"] = f"line {text[:m.start()].count(chr(10)) + 1}: NOP {n} -> NOP {n - 1}"
    atomic_write(path, text[:m.start()] + f"{m.group(1)}NOP {n - 1}\n{m.group(3)}" + text[m.end():])


def workload_outputs(ctx):
    doc = yaml.safe_load(ctx.params["yaml"])["workload"]
    return doc, list(doc["tensors"]), list(dict.fromkeys(doc["outputs"]))


def group_window(report, doc, output):
    """The first and last issue cycle of the layer group that writes `output`."""
    layer = next((entry["name"] for entry in doc["layers"] if entry["out"] == output), None)
    for g in report["layers"]:
        if layer in g["layers"].split("+"):
            return g["first_cycle"], g["last_cycle"]
    return None


def reference_outputs(ctx, doc):
    """workload_reference.py's outputs in {JOB}/ref/ (its printout kept in the job's log)."""
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf), np.errstate(all="ignore"):
            workload_reference.run(ctx.path("workload.yaml"), ctx.path("inputs"), ctx.path("ref"),
                                   ctx.params["lanes"])
    except Exception as e:  # the reference is code under test too: its failure fails the job
        raise JobFailure(f"workload_reference.py failed: {type(e).__name__}: {e}")
    ref_cmd = ["tests/python/workload_reference.py", "{JOB}/workload.yaml", "{JOB}/inputs", "{JOB}/ref", "--lanes",
               ctx.params["lanes"]]
    ctx.log.append((ctx.render(ref_cmd), 0, buf.getvalue(), ""))


def flip_reference(ctx, path):
    """--inject-fault reference-flip: bit 0 of one element (chosen by the seed) of a reference."""
    a = np.load(path)
    flat = a.reshape(-1).view(np.uint8).reshape(a.size, a.itemsize)
    i = random.Random(f"flip:{ctx.jid}").randrange(a.size)
    flat[i, 0] ^= 1
    np.save(path, a)
    ctx.params["flipped"] = f"{os.path.basename(path)} element {np.unravel_index(i, a.shape)}"


def compare_outputs(names, got_dir, want_dir):
    """[(name, problem)] for outputs that differ from the reference bit for bit."""
    problems = []
    for name in names:
        got, want = np.load(os.path.join(got_dir, name + ".npy")), np.load(os.path.join(want_dir, name + ".npy"))
        if got.dtype != want.dtype or got.shape != want.shape:
            problems.append((name, f"output {name}: simulated {got.dtype}{list(got.shape)}, reference "
                                   f"{want.dtype}{list(want.shape)}"))
        elif not check_compile.bits_equal(got, want):
            idx, g, w, n = check_compile.first_difference(got, want)
            problems.append((name, f"output {name} {want.dtype}{list(want.shape)}: {n} of {want.size} elements "
                                   f"differ; first at {list(idx)}: simulated {g}, reference {w}"))
    return problems


def run_workload(ctx):
    cosim = ctx.kind == "workload-cosim"
    report = compile_workload(ctx, cosim)
    if ctx.env["inject"] == "program-skew":
        skew_program(ctx)
    doc, inputs, outputs = workload_outputs(ctx)
    os.makedirs(ctx.path("sim"), exist_ok=True)
    args = [ctx.exe, "run", "--config", ctx.cfg, "--program", "{JOB}/prog.s"]
    args += [a for n in inputs for a in ("--load", f"{n}={{JOB}}/inputs/{n}.npy")]
    args += [a for n in outputs for a in ("--dump", f"{n}={{JOB}}/sim/{n}.npy")]
    args += ["--stats", "{JOB}/stats.json"] + (["--cosim", "mxm"] if cosim else []) + ctx.cov("run", "coverage.json")
    predicted = report["predicted_cycles"]
    ctx.params["predicted"] = predicted
    p = ctx.run(args)
    if p.returncode != 0:
        cycle = failing_cycle(p.stderr)
        window = window_around(cycle) if cycle is not None else None
        waves = args + ["--wave", "{JOB}/wave"] + (["--wave-window", f"{window[0]}:{window[1]}"] if window else [])
        raise JobFailure(f"lpusim run: exit {p.returncode}: {lpusim_error(p)}", p.stdout + p.stderr, waves=waves,
                         window=window, replay=waves, expect_rc=p.returncode, match=first_line(p))
    stats = json.load(open(ctx.path("stats.json")))
    simulated = stats["cycles"]
    ctx.params["simulated"] = simulated
    if cosim:
        m = re.search(r"^MXM co-simulation: (\d+) result beats checked, value and cycle, .*: PASS$", p.stdout, re.M)
        if not m:
            raise JobFailure("lpusim run --cosim mxm printed no 'MXM co-simulation: N result beats checked ... PASS'",
                             p.stdout + p.stderr, replay=args, expect_rc=0)
        ctx.params["beats"] = int(m.group(1))
    problems, window = [], None
    if simulated != predicted:
        problems.append(f"cycles differ: predicted {predicted}, simulated {simulated}")
        window = window_around(min(simulated, predicted))
    reference_outputs(ctx, doc)
    if ctx.env["inject"] == "reference-flip":
        flip_reference(ctx, ctx.path(f"ref/{outputs[0]}.npy"))
    wrong = compare_outputs(outputs, ctx.path("sim"), ctx.path("ref"))
    problems += [text for _, text in wrong]
    if wrong and window is None:
        # No cycle names a wrong value: the waves cover the layer group that wrote the first
        # wrong output to finish.
        spans = [s for s in (group_window(report, doc, name) for name, _ in wrong) if s]
        if spans:
            first, last = min(spans, key=lambda s: s[1])
            window = (max(0, first - WAVE_BEFORE), last + WAVE_AFTER)
    if problems:
        waves = args + ["--wave", "{JOB}/wave"] + (["--wave-window", f"{window[0]}:{window[1]}"] if window else [])
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise JobFailure(problems[0] + more, "\n".join(problems), waves=waves, window=window)


# ---- kind: system runs -------------------------------------------------------------------------
def system_file(ctx, gen_dir, run):
    """The generated system with the job's link errors: a system seed, and every link's BER,
    bursts and error seed (the FEC, and so every cycle the generator scheduled, unchanged)."""
    src = os.path.join(gen_dir, run["system"])
    doc = yaml.safe_load(open(src))
    system = doc["system"]
    for t in system.get("types", {}).values():
        if "config" in t:
            t["config"] = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(src)), t["config"]))
    P = ctx.params
    system["seed"] = P["system_seed"]
    links = system.setdefault("link_defaults", {})
    links.update({"ber": P["ber"], "seed": P["system_seed"] % 1000})
    if P["burst_bits"]:
        links.update({"burst_probability": P["burst_probability"], "burst_bits": P["burst_bits"]})
    atomic_write(ctx.path("system.yaml"), "# scripts/regress.py: " + ctx.jid + ", from " + shown(src) + "\n" +
                 yaml.safe_dump(doc, sort_keys=False))


def as_rows(a):
    """(rows, cols) as the chip and the poison report index a tensor; a 1-D array is one row."""
    return a.reshape(1, -1) if a.ndim == 1 else a.reshape(a.shape[0], -1)


def tainted_chips(stats):
    """Chips a poisoned vector could have reached: those whose Receives took one, and every chip
    a link carried vectors to from a tainted chip (transitively; an over-approximation)."""
    edges = {}
    for link in stats["links"]:
        a, b = link["a"].split()[0], link["b"].split()[0]
        for src, dst, d in ((a, b, "a_to_b"), (b, a, "b_to_a")):
            if link[d]["vectors"]:
                edges.setdefault(src, set()).add(dst)
    todo = [c for c, v in stats["chips"].items() if v["c2c"].get("poisoned", 0)]
    tainted = set(todo)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in tainted:
                tainted.add(nxt)
                todo.append(nxt)
    return tainted


def poison_problems(stats, dumps, got_dir, want_dir):
    """Outputs against numpy, and the poison report against the counters. Returns (problems,
    notes). Every output of a chip no poisoned vector can have reached equals numpy bit for bit
    (all of them when nothing was poisoned: the FEC corrected every error). On a chip one can
    have reached, an element the report lists may differ; one that differs unlisted is a note,
    not a failure: the report's documented limit (docs/system.md: a dependence both runs mask
    alike, e.g. relu of a negative value either way, or a vector poisoned on two hops, its
    complement undone by the second)."""
    poison = stats.get("poison", {"vectors": 0, "compared": True, "error": "", "reached": []})
    links = sum(l[d]["fec"]["vectors_poisoned"] for l in stats["links"] for d in ("a_to_b", "b_to_a"))
    chips = sum(c["c2c"].get("poisoned", 0) for c in stats["chips"].values())
    problems, notes = [], []
    if not poison["vectors"] == links == chips:
        problems.append(f"poisoned vectors: report {poison['vectors']}, links {links}, chips' Receives {chips}")
    tainted = tainted_chips(stats)
    reached = {(r["chip"], r["tensor"]): r for r in poison["reached"]}
    for (chip, name), r in reached.items():
        if chip not in tainted or not 0 < r["elements"] <= r["of"]:
            problems.append(f"{chip}:{name}: the poison report says {r['elements']} of {r['of']} elements reached, "
                            f"but no poisoned vector can have reached chip {chip}")
    for chip, name, f in dumps:
        got, want = np.load(os.path.join(got_dir, f"{chip}.{name}.npy")), np.load(os.path.join(want_dir, f))
        if got.dtype != want.dtype or got.shape != want.shape:
            problems.append(f"{chip}:{name}: {got.dtype}{list(got.shape)}, numpy {want.dtype}{list(want.shape)}")
            continue
        got2, want2 = as_rows(got), as_rows(want)
        bad = [tuple(int(i) for i in ix) for ix in np.argwhere(got2 != want2)]
        if not bad:
            continue
        b = bad[0]
        what = f"{chip}:{name}: {len(bad)} elements differ from numpy, first at {list(b)}: {got2[b]} instead of {want2[b]}"
        if chip not in tainted:
            problems.append(what + (" (nothing was poisoned)" if not poison["vectors"] else
                                    f" (no poisoned vector can have reached chip {chip})"))
            continue
        r = reached.get((chip, name))
        first = [tuple(x) for x in r["first"]] if r else []
        complete = r is not None and r["elements"] <= len(first)
        # The report lists the first few reached elements in row-major order (all, when that few).
        unlisted = [x for x in bad if not r or (x not in first and (complete or x <= first[-1]))]
        if unlisted or (r and len(bad) > r["elements"]):
            notes.append(what + f"; the poison report lists {r['elements'] if r else 0} reached")
    return problems, notes


def run_system(ctx):
    P = ctx.params
    gen = ctx.path("gen")
    gen_args = [sys.executable, shown(GEN_SYSTEM), P["workload"], *P["args"], "--out", "{JOB}/gen", "--seed",
                P["data_seed"], "--lpusim", ctx.exe]
    p = ctx.run(gen_args)
    if p.returncode != 0:
        raise JobFailure(f"gen_system.py: exit {p.returncode}: {lpusim_error(p)}", p.stdout + p.stderr,
                         replay=gen_args, expect_rc=p.returncode)
    run = json.load(open(os.path.join(gen, "run.json")))
    sched = json.load(open(os.path.join(gen, "schedule.json")))
    system_file(ctx, gen, run)
    os.makedirs(ctx.path("got"), exist_ok=True)
    args = [ctx.exe, "run", "--system", "{JOB}/system.yaml", "--programs", "{JOB}/gen/programs"]
    args += [a for chip, name, f in run["load"] for a in ("--load", f"{chip}:{name}={{JOB}}/gen/{f}")]
    args += [a for chip, name, _ in run["dump"] for a in ("--dump", f"{chip}:{name}={{JOB}}/got/{chip}.{name}.npy")]
    args += ["--stats", "{JOB}/stats.json", "--link-errors", "poison", "--threads", P["threads"]]
    args += ctx.cov("system", "coverage.json")
    p = ctx.run(args)
    if p.returncode != 0:
        cycle = failing_cycle(p.stderr)
        window = window_around(cycle) if cycle is not None else None
        waves = args + ["--wave", "{JOB}/wave"] + (["--wave-window", f"{window[0]}:{window[1]}"] if window else [])
        raise JobFailure(f"lpusim run --system: exit {p.returncode}: {lpusim_error(p)}", p.stdout + p.stderr,
                         waves=waves, window=window, replay=waves, expect_rc=p.returncode, match=first_line(p))
    stats = json.load(open(ctx.path("stats.json")))
    P["poisoned"] = stats.get("poison", {}).get("vectors", 0)
    if ctx.env["inject"] == "reference-flip":  # on a chip no poisoned vector reached, if there is one
        tainted = tainted_chips(stats)
        chip, name, f = next((d for d in reversed(run["dump"]) if d[0] not in tainted), run["dump"][-1])
        flip_reference(ctx, os.path.join(gen, f))
    problems, notes = poison_problems(stats, run["dump"], ctx.path("got"), gen)
    ctx.notes += notes
    if sched.get("link"):  # a system with links: vectors sent, carried, received, latencies as scheduled
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                check_system_example.check_links(stats, sched)
        except SystemExit as e:
            problems.append(str(e.code).removeprefix("FAIL: "))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        # The numpy check names no cycle: the waveform of every chip, the whole run.
        raise JobFailure(problems[0] + more, "\n".join(problems), waves=args + ["--wave", "{JOB}/wave"])


# ---- kind: a run of the coverage plan ------------------------------------------------------------
def run_plan_entry(ctx):
    """coverage_plan.run_entry: its steps in {JOB}/<name>, the exit code and the schedule rule the
    plan expects, and the coverage file it must leave."""
    entry = plan_runs()[ctx.config]
    left = max(1.0, ctx.deadline - time.monotonic())
    r = coverage_plan.run_entry(entry, os.path.join(ROOT, ctx.exe), ctx.work, timeout=left)
    ctx.log += [(shlex.split(c), None, "", "") for c in r["commands"]]
    ctx.coverage.append(f"{entry['name']}/coverage.json")
    if not r["ok"]:
        raise JobFailure(f"coverage plan run {entry['name']}: {r['error']}",
                         "\n".join(f"$ {c}" for c in r["commands"]) + f"\nalso: scripts/coverage.py plan "
                         f"{shown(COVERAGE_PLAN)} --only {entry['name']}")


RUNNERS = {"cosim": run_cosim, "workload": run_workload, "workload-cosim": run_workload, "system": run_system,
           "plan": run_plan_entry}


# ---- a job from start to report -----------------------------------------------------------------
def regress_replay(env, jid):
    cmd = ["scripts/regress.py", "--job", jid]
    if env["build_dir_arg"]:
        cmd += ["--build-dir", env["build_dir_arg"]]
    if env["inject"]:
        cmd += ["--inject-fault", env["inject"]]
    return cmd


def keep_failure(ctx, f, result):
    """Moves the job's directory to failures/<job>/ (one rename), then writes the waveform there
    with the reported command, checks that the replay reproduces the failure, and writes
    replay.txt and output.txt."""
    final = os.path.join(ctx.env["out"], "failures", slug(ctx.jid))
    if os.path.exists(final):
        shutil.rmtree(final)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    os.replace(ctx.work, final)
    result["artifacts"] = shown(final)
    # What lpusim printed names the files where they are now.
    for attr in ("message", "details", "match"):
        text = getattr(f, attr)
        if text:
            setattr(f, attr, text.replace(os.path.abspath(ctx.work), os.path.abspath(final))
                    .replace(shown(ctx.work), shown(final)))
    result["message"] = f.message
    replay = ctx.render(f.replay, final) if f.replay else regress_replay(ctx.env, ctx.jid)
    result["replay"] = shlex.join(replay)
    result["job_replay"] = shlex.join(regress_replay(ctx.env, ctx.jid))
    notes = []
    if f.waves:
        ctx.deadline = time.monotonic() + ctx.env["timeout"]  # the replay gets a timeout of its own
        wave_cmd = ctx.render(f.waves, final)
        try:
            p = ctx.run(f.waves, final)
        except JobFailure as e:  # it timed out, or could not start
            p = subprocess.CompletedProcess(wave_cmd, -9, "", str(e))
        files = sorted(os.path.join(dp, n) for dp, _, ns in os.walk(os.path.join(final, "wave")) for n in ns
                       if n.endswith((".vcd", ".fst")))
        result["wave"] = {"command": shlex.join(wave_cmd), "window": list(f.window) if f.window else None,
                          "files": [shown(x) for x in files]}
        if f.replay and f.expect_rc is not None:
            # The reported replay is the waveform's command: it ran just now.
            same = p.returncode == f.expect_rc and (not f.match or f.match in p.stdout + p.stderr)
            result["reproduced"] = same
            if not same:
                notes.append(f"the replay did not reproduce the failure: exit {p.returncode}, expected {f.expect_rc}"
                             + (f" and '{f.match}'" if f.match else ""))
        if not files:
            notes.append(f"no waveform written: {lpusim_error(p)}")
    result["details"] = "\n".join(x for x in [f.details.rstrip()] + notes if x)
    lines = [f"FAIL {ctx.jid}: {f.message}", f"replay: {result['replay']}", f"job:    {result['job_replay']}"]
    if result.get("wave"):
        w = result["wave"]
        lines.append(f"waves:  {shlex.join(wave_cmd)}")
        lines += [f"        {x}" for x in w["files"]]
    lines += ["", result["details"]]
    atomic_write(os.path.join(final, "replay.txt"), "\n".join(lines) + "\n")
    atomic_write(os.path.join(final, "output.txt"), ctx.output_text())


def run_job(env, kind, config, seed):
    """Runs one job in OUT/.work/<job>; returns its result (a JSON-serialisable dict)."""
    jid = job_id(kind, config, seed)
    work = os.path.join(env["out"], ".work", slug(jid))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    ctx = Ctx(env, kind, config, seed, work)
    result = {"id": jid, "kind": kind, "config": config, "label": label_of(kind, config), "seed": seed,
              "status": "pass", "message": "", "details": "", "replay": regress_replay(env, jid)}
    t0 = time.monotonic()
    failure = None
    try:
        ctx.params = plan(kind, config, seed)
        RUNNERS[kind](ctx)
    except JobSkip as s:
        result.update(status="skip", message=str(s))
    except JobFailure as f:
        failure = f
        result.update(status="fail", message=f.message, details=f.details)
    except Exception as e:  # a bug of the regression itself: reported like a failure, with its traceback
        import traceback
        failure = JobFailure(f"regress.py internal error: {type(e).__name__}: {e}", traceback.format_exc())
        result.update(status="fail", message=failure.message, details=failure.details)
    result["time"] = time.monotonic() - t0
    result["describe"] = describe(kind, ctx.params) if ctx.params else ""  # a workload drawn again says so
    result["replay"] = shlex.join(result["replay"])
    result["params"] = {k: v for k, v in ctx.params.items() if k != "yaml"}
    result["coverage"] = collect_coverage(ctx)
    result["notes"] = ctx.notes
    if failure:
        keep_failure(ctx, failure, result)
    elif env["keep"]:
        final = os.path.join(env["out"], "passed", slug(jid))
        shutil.rmtree(final, ignore_errors=True)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(work, final)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return result


def collect_coverage(ctx):
    """The job's coverage files, moved to OUT/coverage/<job>.<name> (merged by regress.py)."""
    kept = []
    for name in ctx.coverage:
        src = ctx.path(name)
        if os.path.exists(src):
            dst = os.path.join(ctx.env["out"], "coverage", f"{slug(ctx.jid)}.{name.replace('/', '.')}")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.replace(src, dst)
            kept.append(dst)
    return kept
