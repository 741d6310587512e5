"""The sweep spec of scripts/sweep.py (docs/sweep.md): loaded strictly, every error one line
naming the spec's file:line:column and the key path, checked against what lpusim itself accepts
(the keys a base config resolves to, as `lpusim config` or `lpusim system --config` prints them;
the options `gen_system.py` declares), and expanded into its points and tasks.
"""
import copy
import difflib
import hashlib
import itertools
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

from .common import EXIT_INPUT, ROOT, ToolError, flatten, load_yaml, run_lpusim, set_path, stable_hash
from . import sweep_point

GEN_SYSTEM = ROOT / "examples" / "system" / "gen_system.py"
MODES = ("compile", "run")
LINK_ERRORS = ("fail", "poison")
SWEEP_KEYS = ("name", "config", "system", "mode", "timeout_s", "link_errors", "grid", "list", "workloads")
WORKLOAD_KEYS = ("generator", "name", "args")
DRIVER_OPTIONS = ("out", "lpusim", "system", "help")  # gen_system.py options the driver sets itself
# YAML 1.2 floats that PyYAML (YAML 1.1) reads as strings, e.g. 1e-4
FLOAT_12 = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")


class Marks:
    """Where each key and item of a YAML document is (for file:line:col errors), and which
    scalars were plain (unquoted)."""

    def __init__(self, path, text):
        self.path = path
        self.at = {}
        self.plain = set()
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            root = None  # load_yaml has already reported it
        if root is not None:
            self._walk(root, ())

    def _walk(self, node, path):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                p = path + (k.value,)
                self.at[p] = k.start_mark
                self._walk(v, p)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                p = path + (i,)
                self.at[p] = v.start_mark
                self._walk(v, p)
        elif isinstance(node, yaml.ScalarNode) and node.style is None:
            self.plain.add(path)

    def where(self, path):
        for n in range(len(path), 0, -1):
            mark = self.at.get(tuple(path[:n]))
            if mark is not None:
                return f"{self.path}:{mark.line + 1}:{mark.column + 1}"
        return str(self.path)


def show(path):
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def did_you_mean(word, choices):
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Workload:
    def __init__(self, label, path=None, generator=None, args=None):
        self.label = label        # the table's `workload`: the path as given, or system:<name>
        self.path = path          # a chip workload's file
        self.generator = generator
        self.args = args or {}    # generator options from the spec entry


class Spec:
    """A loaded, checked sweep spec."""

    def __init__(self, path, lpusim):
        self.path = pathlib.Path(path)
        self.lpusim = lpusim
        doc = load_yaml(self.path)
        self.marks = Marks(self.path, self.path.read_text())
        self.files = {}  # files whose content the sweep depends on: label -> sha256
        self._check(doc)

    # ---------------------------------------------------------------- errors

    def error(self, path, reason):
        raise ToolError(f"{self.marks.where(path)}: {show(path)}: {reason}", EXIT_INPUT)

    def _mapping(self, value, path, allowed, required=()):
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping, got {type(value).__name__}")
        for key in value:
            if key not in allowed:
                self.error(path + (key,), f"unknown key{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}")
        for key in required:
            if key not in value:
                self.error(path, f"missing required key '{key}'")

    def _scalar(self, value, path):
        if path in self.marks.plain and isinstance(value, str) and FLOAT_12.match(value):
            return float(value)
        if value is None or isinstance(value, (list, dict)):
            self.error(path, f"expected a value (number, string or boolean), got "
                             f"{'nothing' if value is None else type(value).__name__}")
        return value

    def _file(self, value, path):
        if not isinstance(value, str) or not value:
            self.error(path, "expected a file name")
        f = (self.path.parent / value)
        if not f.is_file():
            self.error(path, f"no such file: {f}")
        self.files[f"{show(path)}:{value}"] = hashlib.sha256(f.read_bytes()).hexdigest()
        return f.resolve()

    # ---------------------------------------------------------------- the document

    def _check(self, doc):
        self._mapping(doc, (), ("version", "sweep"), ("version", "sweep"))
        if doc["version"] != 1:
            self.error(("version",), f"this sweep.py reads version 1, got {doc['version']!r}")
        s = doc["sweep"]
        S = ("sweep",)
        self._mapping(s, S, SWEEP_KEYS, ("workloads",))
        self.name = s.get("name", self.path.stem)
        if not isinstance(self.name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", self.name):
            self.error(S + ("name",), "expected 1-64 letters, digits, '_', '.', '-'")
        self.mode = s.get("mode", "compile")
        if self.mode not in MODES:
            self.error(S + ("mode",), f"expected one of {', '.join(MODES)}, got {self.mode!r}")
        self.timeout = s.get("timeout_s")
        if self.timeout is not None and (isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float))
                                         or self.timeout <= 0):
            self.error(S + ("timeout_s",), f"expected seconds > 0, got {self.timeout!r}")
        self._workloads(s)
        self.link_errors = s.get("link_errors", "fail")
        if "link_errors" in s and self.kind != "system":
            self.error(S + ("link_errors",), "only for system workloads (gen_system.py generators)")
        if self.link_errors not in LINK_ERRORS:
            self.error(S + ("link_errors",), f"expected one of {', '.join(LINK_ERRORS)}, got {self.link_errors!r}")
        self._base(s)
        self._axes(s)

    def _workloads(self, s):
        W = ("sweep", "workloads")
        entries = s["workloads"]
        if not isinstance(entries, list) or not entries:
            self.error(W, "expected a list of workloads (files, or {generator: ...} entries)")
        self.workloads = []
        kinds = set()
        for i, e in enumerate(entries):
            p = W + (i,)
            if isinstance(e, str):
                kinds.add("chip")
                self.workloads.append(Workload(e, path=self._file(e, p)))
            elif isinstance(e, dict):
                kinds.add("system")
                self.workloads.append(self._generator(e, p))
            else:
                self.error(p, "expected a workload file or a {generator: NAME, args: {...}} entry")
            if len(kinds) > 1:
                self.error(p, "workload files (one chip) and generator entries (systems) cannot share a sweep")
        labels = [w.label for w in self.workloads]
        for i, label in enumerate(labels):
            if labels.index(label) != i:
                self.error(W + (i,), f"workload '{label}' is listed twice (give generator entries distinct names)")
        self.kind = kinds.pop()

    def _generator(self, e, p):
        self._mapping(e, p, WORKLOAD_KEYS, ("generator",))
        name = e["generator"]
        options = self._gen_options(name, p + ("generator",))
        label = e.get("name", name)
        if not isinstance(label, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", label):
            self.error(p + ("name",), "expected 1-64 letters, digits, '_', '.', '-'")
        args = e.get("args", {})
        if not isinstance(args, dict):
            self.error(p + ("args",), "expected a mapping of gen_system.py options, e.g. {rows: 2}")
        for opt, v in args.items():
            self._gen_option(name, options, opt, p + ("args", opt))
            args[opt] = self._scalar(v, p + ("args", opt))
        w = Workload(f"system:{label}", generator=name, args=args)
        w.options, w.required, w.line = options, self._gen_required, p
        return w

    def _gen_options(self, name, p):
        """gen_system.py NAME's options, from its --help (the generator is their one source)."""
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            self.error(p, "expected a gen_system.py workload name, e.g. allreduce")
        try:
            done = subprocess.run([sys.executable, str(GEN_SYSTEM), name, "--help"], capture_output=True, text=True,
                                  timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            self.error(p, f"cannot run {GEN_SYSTEM}: {e}")
        if done.returncode != 0:
            m = re.search(r"choose from (.*)\)", done.stderr)
            self.error(p, f"gen_system.py has no workload '{name}'" + (f" (its workloads: {m.group(1)})" if m else ""))
        usage = done.stdout.split("\n\n")[0]
        self._gen_required = [o.replace("-", "_") for o in
                              re.findall(r"--([a-z][a-z0-9-]*)", re.sub(r"\[[^\]]*\]", "", usage))
                              if o not in DRIVER_OPTIONS]
        return sorted({o.replace("-", "_") for o in re.findall(r"^\s+--([a-z][a-z0-9-]*)", done.stdout, re.M)})

    def _gen_option(self, gen, options, opt, p):
        allowed = [o for o in options if o not in DRIVER_OPTIONS]
        if opt in DRIVER_OPTIONS:
            self.error(p, f"set by sweep.py itself (--{opt})")
        if opt not in allowed:
            self.error(p, f"not an option of gen_system.py {gen}{did_you_mean(opt, allowed)}; "
                          f"its options: {', '.join(allowed)}")

    # ---------------------------------------------------------------- the base

    def _base(self, s):
        S = ("sweep",)
        if self.kind == "chip":
            if "system" in s:
                self.error(S + ("system",), "workload files run on one chip: give `config:`, not `system:`")
            if "config" not in s:
                self.error(S, "missing required key 'config' (the base chip config, e.g. configs/tiny.yaml)")
            self.base_path = self._file(s["config"], S + ("config",))
            self.base_label = s["config"]
            self.base_doc = load_yaml(self.base_path)
            self.resolved = self._resolve_chip(self.base_doc, S + ("config",), "the base config does not load")
            return
        if "config" in s:
            self.error(S + ("config",), "generator workloads run on a system: give `system:` (a system file), "
                                        "or nothing for generators that write their own (pipeline)")
        takes = [w for w in self.workloads if "system" in w.options]
        writes = [w for w in self.workloads if "system" not in w.options]
        if "system" in s and writes:
            self.error(writes[0].line, f"gen_system.py {writes[0].generator} writes its own system: put it in a "
                                       f"sweep without `system:` (vary it with gen.* keys)")
        if takes and writes:
            self.error(writes[0].line, f"gen_system.py {writes[0].generator} writes its own system and "
                                       f"{takes[0].generator} takes one: give them separate sweeps")
        self.base_path = self.base_label = self.base_doc = self.resolved = None
        if "system" in s:
            self.base_path = self._file(s["system"], S + ("system",))
            self.base_label = s["system"]
            try:
                self.base_doc = sweep_point.inline_types(load_yaml(self.base_path), self.base_path.parent)
            except ValueError as e:
                self.error(S + ("system",), str(e))
            for name, t in ((self.base_doc.get("system") or {}).get("types") or {}).items():
                src = load_yaml(self.base_path).get("system", {}).get("types", {}).get(name, {})
                if isinstance(src, dict) and "config" in src:
                    f = self.base_path.parent / src["config"]
                    self.files[f"system.types.{name}.config:{src['config']}"] = \
                        hashlib.sha256(f.read_bytes()).hexdigest()
            self.resolved = self._resolve_system(self.base_doc, S + ("system",), "the base system does not load")

    def _resolve(self, doc, system):
        """lpusim's resolved document of a chip config or system file `doc`, or its error line."""
        with tempfile.TemporaryDirectory(prefix="sweep-spec-") as tmp:
            f = pathlib.Path(tmp, "system.yaml" if system else "config.yaml")
            f.write_text(yaml.safe_dump(doc, sort_keys=False))
            args = ["system", "--system", f, "--config"] if system else ["config", f]
            done = run_lpusim(self.lpusim, args, timeout=120, cwd=tmp)
        if done.returncode != 0:
            line = sweep_point.lpusim_reason(done)
            return None, line
        return yaml.safe_load(done.stdout), None

    def _resolve_chip(self, doc, p, what):
        resolved, err = self._resolve(doc, False)
        if resolved is None:
            self.error(p, f"{what}: {err}")
        return resolved

    def _resolve_system(self, doc, p, what):
        resolved, err = self._resolve(doc, True)
        if resolved is None:
            self.error(p, f"{what}: {err}")
        return resolved

    # ---------------------------------------------------------------- axes and points

    def _axes(self, s):
        S = ("sweep",)
        self.axes = []
        grid = s.get("grid", {})
        if "grid" in s and (not isinstance(grid, dict) or not grid):
            self.error(S + ("grid",), "expected a mapping of key paths to lists of values")
        values = []
        for key, vals in grid.items():
            p = S + ("grid", key)
            if not isinstance(vals, list) or not vals:
                self.error(p, "expected a non-empty list of values")
            vals = [self._scalar(v, p + (i,)) for i, v in enumerate(vals)]
            for i, v in enumerate(vals):
                if vals.index(v) != i:
                    self.error(p + (i,), f"value {v!r} is listed twice")
            self._check_key(key, vals, p)
            self.axes.append(key)
            values.append(vals)
        self.points = [dict(zip(self.axes, combo)) for combo in itertools.product(*values)] if grid else []
        entries = s.get("list", [])
        if "list" in s and (not isinstance(entries, list) or not entries):
            self.error(S + ("list",), "expected a list of points, each a mapping of key paths to values")
        for i, e in enumerate(entries):
            p = S + ("list", i)
            if not isinstance(e, dict) or not e:
                self.error(p, "expected a mapping of key paths to values, e.g. {chip.mxm.planes: 8}")
            point = {}
            for key, v in e.items():
                point[key] = self._scalar(v, p + (key,))
                self._check_key(key, [point[key]], p + (key,))
                if key not in self.axes:
                    self.axes.append(key)
            if point in self.points:
                self.error(p, "this point is already in the sweep (the grid or an earlier entry)")
            self.points.append(point)
        if not self.points:
            self.points = [{}]  # no axes: the base config itself
        for w in self.workloads:
            if w.generator is None:
                continue
            for opt in w.required:
                if opt not in w.args and any(f"gen.{opt}" not in pt for pt in self.points):
                    self.error(w.line, f"gen_system.py {w.generator} needs --{opt.replace('_', '-')}: give it in "
                                       f"args, or as the key gen.{opt} in every point")

    def _check_key(self, key, values, p):
        if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_-]+)*", key):
            self.error(p, "expected a key path like chip.mxm.planes")
        head = key.split(".")[0]
        if self.kind == "chip":
            if head != "chip":
                self.error(p, "a chip config's keys start with 'chip.' (lpusim config prints them all)")
            return self._check_config_key(key, values, p, False)
        if head == "gen":
            for w in self.workloads:
                self._gen_option(w.generator, w.options, key[4:], p)
            return
        if self.base_doc is None:
            self.error(p, "this sweep's generators write their own system: only gen.* keys can vary "
                          f"({', '.join('gen.' + o for o in self.workloads[0].options if o not in DRIVER_OPTIONS)})")
        if head == "chip":
            types = list(self.base_doc["system"]["types"])
            return self._check_config_key(f"system.types.{types[0]}.{key}", values, p, True, shown=key)
        if head != "system":
            self.error(p, "a system sweep's keys start with 'system.' (lpusim system --config prints them), "
                          "'chip.' (every chip type) or 'gen.' (a gen_system.py option)")
        return self._check_config_key(key, values, p, True)

    def _check_config_key(self, key, values, p, system, shown=None):
        """key is a parameter of the base if the base resolves to it (lpusim prints every
        parameter, defaults included); a key it does not print (a system's per-chip entries)
        must be accepted by lpusim with at least one of the axis's values."""
        shown = shown or key
        flat = flatten(self.resolved)
        if key in flat:
            return
        if any(k.startswith(key + ".") for k in flat):
            self.error(p, f"'{shown}' is a section, not a parameter; its parameters: "
                          f"{', '.join(k for k in flat if k.startswith(key + '.'))[:300]}")
        errors = []
        for v in values:
            doc = copy.deepcopy(self.base_doc)
            try:
                set_path(doc, key, v)
            except ToolError as e:
                self.error(p, str(e))
            resolved, err = self._resolve(doc, system)
            if resolved is not None and key in flatten(resolved):
                return
            errors.append(err)
        tool = f"lpusim system --system {self.base_label} --config" if system else f"lpusim config {self.base_label}"
        candidates = list(flat)
        if shown != key:  # chip.* of a system: the first chip type's keys
            head = key[:len(key) - len(shown)]
            candidates = [k[len(head):] for k in flat if k.startswith(head)]
        near = did_you_mean(shown, candidates)
        why = near or (f" (lpusim: {errors[0]})" if errors and errors[0] else "")
        self.error(p, f"not a parameter of {self.base_label}{why}; every parameter: {tool}")

    # ---------------------------------------------------------------- what runs

    def identity(self):
        """What the rows depend on: the points, workloads, mode and the contents of the files
        (not the name or timeout_s, which may change between runs of one output directory)."""
        return stable_hash({"kind": self.kind, "mode": self.mode, "link_errors": self.link_errors,
                            "points": self.points, "axes": self.axes,
                            "workloads": [[w.label, w.generator, w.args] for w in self.workloads],
                            "files": self.files})

    def config_doc(self, params):
        """The base document with the point's values set (None: the generator writes it)."""
        if self.base_doc is None:
            return None
        doc = copy.deepcopy(self.base_doc)
        for key, v in params.items():
            if key.startswith("gen."):
                continue
            if self.kind == "system" and key.startswith("chip."):
                for t in doc["system"]["types"].values():
                    set_path(t, key, v)
            else:
                set_path(doc, key, v)
        return doc

    def base_values(self):
        """The base's resolved value of every axis key (none for gen.* keys: the generator's)."""
        flat = flatten(self.resolved) if self.resolved is not None else {}
        out = {}
        for key in self.axes:
            look = key
            if self.kind == "system" and key.startswith("chip."):
                look = f"system.types.{next(iter(self.base_doc['system']['types']))}.{key}"
            if look in flat:
                out[key] = flat[look]
        return out

    def point_id(self, params, workload):
        return stable_hash({"params": params, "workload": workload.label, "mode": self.mode})[:12]

    def tasks(self, lpusim):
        """Every (point, workload) in spec order: the task sweep_point.run_task takes, with its
        config id and the config text the driver writes under the output directory."""
        out = []
        base_values = self.base_values()
        for params in self.points:
            cid = stable_hash({"params": {k: v for k, v in params.items() if not k.startswith("gen.")}})[:12]
            doc = self.config_doc(params)
            text = None if doc is None else yaml.safe_dump(doc, sort_keys=False)
            for w in self.workloads:
                task = {"point": self.point_id(params, w), "workload": w.label, "mode": self.mode,
                        "kind": self.kind, "params": params, "axes": self.axes, "lpusim": str(lpusim),
                        "timeout": self.timeout, "config_text": text,
                        "base_values": {k: v for k, v in base_values.items() if k not in params},
                        "config_rel": f"configs/{cid}.yaml"}
                if w.generator is None:
                    task["workload_path"] = str(w.path)
                else:
                    if doc is None:  # the generator writes the system, from the gen.* values
                        gid = stable_hash({"params": params, "workload": w.label})[:12]
                        task["config_rel"] = f"configs/{gid}.yaml"
                    args = dict(w.args)
                    args.update({k[4:]: v for k, v in params.items() if k.startswith("gen.")})
                    task["generator"] = {"name": w.generator,
                                         "args": [[o.replace("_", "-"), str(v)] for o, v in args.items()]}
                    task["gen_script"] = str(GEN_SYSTEM)
                    task["python"] = sys.executable
                    task["link_errors"] = self.link_errors
                out.append(task)
        ids = [t["point"] for t in out]
        if len(set(ids)) != len(ids):
            raise ToolError(f"{self.path}: two points share an id (a 48-bit hash collision): rename a workload",
                            EXIT_INPUT)
        return out

    def summary(self):
        return {"name": self.name, "kind": self.kind, "mode": self.mode, "base": self.base_label,
                "axes": self.axes, "workloads": [w.label for w in self.workloads]}


def describe(spec):
    return json.dumps(spec.summary())
