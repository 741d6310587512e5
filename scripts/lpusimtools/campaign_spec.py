"""The fault campaign spec of scripts/campaign.py, read strictly: every key checked, every error one
line naming the file and key (exit 3).

    campaign:
      name: gemm-tiny                      # names the table and the figure
      inferences: 200                      # per point, seeds seed .. seed + inferences - 1
      seed: 1                              # default 1
      confidence: 0.95                     # of the intervals: 0.9, 0.95 or 0.99 (default 0.95)
      # the workload: a compiled example workload on a chip config ...
      workload: ../examples/gemm/gemm_bias_relu_requant.yaml
      config: ../configs/tiny.yaml
      # ... or a system program (docs/system.md): gen_system.py's run.json, or its parts
      system: {run: pipe4/run.json}
      system: {file: S.yaml, programs: DIR, load: [[chip, tensor, file.npy], ...], dump: [[chip, tensor], ...]}
      sram:                                # SRAM upsets, lpusim run --sram-faults (docs/faults.md)
        rates: [1e-8, 1e-7, 1e-6]          # per stored bit per cycle
        ecc: [secded, none]                # chip.mem.ecc.scheme of each point
        data_bits: 64                      # chip.mem.ecc.data_bits (default: the config's)
        policy: poison                     # detected uncorrectable: poison (count, go on) or fail
      links:                               # line bit errors of every C2C link (system only)
        bers: [1e-4, 1e-3]
        fec: [kp4, kr4, none]              # kp4, kr4, none or rs(n,k)
        policy: poison                     # --link-errors

Relative paths are relative to the spec file's directory.
"""
import pathlib
import re

from lpusimtools.common import ToolError, load_yaml

SCHEMES = ("secded", "none")
POLICIES = ("fail", "poison")
CONFIDENCES = (0.9, 0.95, 0.99)
MAX_SRAM_RATE = 1e-2  # --sram-faults' range
MAX_BER = 0.5         # a link's ber range


class Spec:
    """The resolved campaign: paths absolute, lists checked, defaults filled."""

    def __init__(self):
        self.path = None
        self.name = ""
        self.inferences = 0
        self.seed = 1
        self.confidence = 0.95
        self.workload = self.config = None        # chip mode
        self.system = None                        # system mode: dict file, programs, load, dump
        self.sram = None                          # dict rates, ecc, data_bits, policy
        self.links = None                         # dict bers, fec, policy


def _fail(spec_path, key, reason):
    raise ToolError(f"{spec_path}: {key}: {reason}")


def _keys(path, where, doc, allowed, required=()):
    if not isinstance(doc, dict):
        _fail(path, where, "must be a map of keys (" + ", ".join(allowed) + ")")
    for k in doc:
        if k not in allowed:
            _fail(path, f"{where}.{k}", "unknown key; allowed here: " + ", ".join(allowed))
    for k in required:
        if k not in doc:
            _fail(path, f"{where}.{k}", "missing")


def _number(path, key, v, lo, hi, integer=False):
    kind = int if integer else (int, float)
    if isinstance(v, bool) or not isinstance(v, kind):
        if not integer and isinstance(v, str):
            try:
                v = float(v)  # YAML 1.1 reads 1e-7 (no dot) as a string
            except ValueError:
                _fail(path, key, f"expected a number, got '{v}'")
        else:
            _fail(path, key, f"expected {'an integer' if integer else 'a number'}, got {v!r}")
    if not lo <= v <= hi:
        _fail(path, key, f"{v} is out of range [{lo}, {hi}]")
    return v


def _list(path, key, v, item):
    if not isinstance(v, list) or not v:
        _fail(path, key, "must be a non-empty list")
    out = [item(f"{key}[{i}]", x) for i, x in enumerate(v)]
    if len(set(out)) != len(out):
        _fail(path, key, "lists a value twice")
    return out


def _choice(path, key, v, choices):
    if v not in choices:
        _fail(path, key, f"'{v}' is not one of " + ", ".join(choices))
    return v


def _file(path, key, v, base, directory=False):
    if not isinstance(v, str) or not v:
        _fail(path, key, "expected a path")
    p = (base / v).resolve()
    if not (p.is_dir() if directory else p.is_file()):
        _fail(path, key, f"{p}: no such {'directory' if directory else 'file'}")
    return p


def _fec(path, key, v):
    if v in ("kp4", "kr4", "none"):
        return v
    m = re.fullmatch(r"rs\((\d+),(\d+)\)", str(v))
    if not m or not 0 < int(m.group(2)) < int(m.group(1)) <= 1023:
        _fail(path, key, f"'{v}' is not a FEC kind (kp4, kr4, none or rs(n,k) with 0 < k < n <= 1023)")
    return v


def _system(path, doc, base):
    _keys(path, "campaign.system", doc, ("run", "file", "programs", "load", "dump"))
    if "run" in doc:
        if len(doc) != 1:
            _fail(path, "campaign.system", "give run (a gen_system.py run.json) or file, programs, load and "
                                           "dump, not both")
        run = _file(path, "campaign.system.run", doc["run"], base)
        doc = load_yaml(run)  # JSON is YAML
        if not isinstance(doc, dict) or not all(k in doc for k in ("system", "programs", "dump")):
            _fail(run, "(top level)", "not a gen_system.py run.json (system, programs, load, dump)")
        doc = dict(doc, file=doc["system"])
        base, path = run.parent, run
    for k in ("file", "programs", "dump"):
        if k not in doc:
            _fail(path, f"campaign.system.{k}", "missing")
    out = {"file": _file(path, "campaign.system.file", doc["file"], base),
           "programs": _file(path, "campaign.system.programs", doc["programs"], base, directory=True),
           "load": [], "dump": []}
    for i, item in enumerate(doc.get("load") or []):
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
            _fail(path, f"campaign.system.load[{i}]", "expected [chip, tensor, file.npy]")
        out["load"].append((item[0], item[1], _file(path, f"campaign.system.load[{i}]", item[2], base)))
    for i, item in enumerate(doc["dump"] or []):
        if not (isinstance(item, list) and len(item) in (2, 3) and all(isinstance(x, str) for x in item)):
            _fail(path, f"campaign.system.dump[{i}]", "expected [chip, tensor]")
        out["dump"].append((item[0], item[1]))
    if not out["dump"]:
        _fail(path, "campaign.system.dump", "names no output to compare")
    return out


def read_spec(spec_path):
    """Reads and checks a campaign spec; ToolError (exit 3) naming the key otherwise."""
    path = pathlib.Path(spec_path)
    doc = load_yaml(path)
    _keys(path, "(top level)", doc, ("campaign",), ("campaign",))
    c = doc["campaign"]
    _keys(path, "campaign", c, ("name", "inferences", "seed", "confidence", "workload", "config", "system",
                                "sram", "links"), ("name", "inferences"))
    base = path.resolve().parent
    s = Spec()
    s.path = path
    if not isinstance(c["name"], str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", c["name"]):
        _fail(path, "campaign.name", "1-64 letters, digits, '_', '-' or '.'")
    s.name = c["name"]
    s.inferences = _number(path, "campaign.inferences", c["inferences"], 1, 10**7, integer=True)
    s.seed = _number(path, "campaign.seed", c.get("seed", 1), 0, 2**53 - 10**7, integer=True)
    s.confidence = _choice(path, "campaign.confidence", c.get("confidence", 0.95), CONFIDENCES)
    if ("system" in c) == ("workload" in c or "config" in c):
        _fail(path, "campaign", "give either workload and config (one chip) or system")
    if "system" in c:
        s.system = _system(path, c["system"], base)
    else:
        if "workload" not in c or "config" not in c:
            _fail(path, "campaign", "a compiled workload needs both workload and config")
        s.workload = _file(path, "campaign.workload", c["workload"], base)
        s.config = _file(path, "campaign.config", c["config"], base)
    if "sram" not in c and "links" not in c:
        _fail(path, "campaign", "nothing to inject: give sram, links or both")
    if "sram" in c:
        d = c["sram"]
        _keys(path, "campaign.sram", d, ("rates", "ecc", "data_bits", "policy"), ("rates", "ecc"))
        s.sram = {"rates": _list(path, "campaign.sram.rates", d["rates"],
                                 lambda k, v: float(_number(path, k, v, 0, MAX_SRAM_RATE))),
                  "ecc": _list(path, "campaign.sram.ecc", d["ecc"], lambda k, v: _choice(path, k, v, SCHEMES)),
                  "data_bits": None if "data_bits" not in d else
                  _number(path, "campaign.sram.data_bits", d["data_bits"], 8, 128, integer=True),
                  "policy": _choice(path, "campaign.sram.policy", d.get("policy", "poison"), POLICIES)}
    if "links" in c:
        if not s.system:
            _fail(path, "campaign.links", "link bit errors need a system (campaign.system)")
        d = c["links"]
        _keys(path, "campaign.links", d, ("bers", "fec", "policy"), ("bers", "fec"))
        s.links = {"bers": _list(path, "campaign.links.bers", d["bers"],
                                 lambda k, v: float(_number(path, k, v, 0, MAX_BER))),
                   "fec": _list(path, "campaign.links.fec", d["fec"], lambda k, v: _fec(path, k, v)),
                   "policy": _choice(path, "campaign.links.policy", d.get("policy", "poison"), POLICIES)}
    return s
