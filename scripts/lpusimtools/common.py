"""What every user-facing script of lpusim shares: its exit codes, one-line errors, atomic
outputs, strict YAML with line numbers, and running the lpusim binary.

Exit codes follow lpusim's own: 0 success, 1 a check failed, 2 bad usage, 3 a bad input file.
"""
import contextlib
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import yaml

EXIT_OK, EXIT_CHECK, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
ROOT = pathlib.Path(__file__).resolve().parents[2]


class ToolError(Exception):
    """An error the user can fix: printed as one line, the process exits with `code`."""

    def __init__(self, message, code=EXIT_INPUT):
        super().__init__(message)
        self.code = code


def die(message, code=EXIT_USAGE):
    raise ToolError(message, code)


def main_guard(main):
    """Runs main() turning ToolError into `prog: message` on stderr and its exit code, and
    Ctrl-C into exit 130 without a traceback."""
    prog = os.path.basename(sys.argv[0])
    try:
        sys.exit(main() or 0)
    except ToolError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        sys.exit(e.code)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        sys.exit(130)


@contextlib.contextmanager
def atomic_output(path, mode="w"):
    """Yields a file in `path`'s directory that replaces `path` only when the block ends without
    an exception, so a failed run never leaves a half-written or clobbered file."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600 and os.replace keeps that: give it the mode any other file
        # the user creates gets (0666 less the umask).
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write(path, data):
    with atomic_output(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent override in plain YAML)."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path):
    """Parses a YAML file strictly; errors name the file and line."""
    path = pathlib.Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise ToolError(f"{path}: cannot read: {e.strerror}")
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ToolError(f"{where}: {e.problem or e.context}")
    except yaml.YAMLError as e:
        raise ToolError(f"{path}: {e}")


def flatten(doc, prefix=""):
    """{'a': {'b': 1}} -> {'a.b': 1}; lists of scalars stay lists, lists of dicts are indexed."""
    out = {}
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(doc, list) and any(isinstance(x, (dict, list)) for x in doc):
        for i, v in enumerate(doc):
            out.update(flatten(v, f"{prefix}.{i}"))
    else:
        out[prefix] = doc
    return out


def set_path(doc, path, value):
    """Sets doc['a']['b'] for path 'a.b', creating the dictionaries on the way."""
    node = doc
    keys = path.split(".")
    for k in keys[:-1]:
        child = node.setdefault(k, {})
        if not isinstance(child, dict):
            raise ToolError(f"key path '{path}': '{k}' is not a mapping", EXIT_INPUT)
        node = child
    node[keys[-1]] = value


def stable_hash(obj):
    """sha256 of obj's canonical JSON: the same for the same content whatever the key order."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def lpusim_binary(build_dir):
    exe = pathlib.Path(build_dir) / "lpusim"
    if not exe.is_file() or not os.access(exe, os.X_OK):
        raise ToolError(f"{exe}: no lpusim binary (build first: scripts/build.sh, or pass --build-dir)",
                        EXIT_USAGE)
    return exe


def run_lpusim(exe, args, timeout=None, cwd=None):
    """Runs lpusim; returns the CompletedProcess (text). A timeout is reported as exit code -9
    with the reason in stderr rather than raised."""
    cmd = [str(exe)] + [str(a) for a in args]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(cmd, -9, e.stdout or "", f"timed out after {timeout} s")


def first_error_line(proc):
    """The first line of an lpusim failure worth showing in a table."""
    for line in (proc.stderr or "").splitlines() + (proc.stdout or "").splitlines():
        if line.strip():
            return line.strip()
    return f"exit code {proc.returncode}"
