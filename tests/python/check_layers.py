#!/usr/bin/python3
"""Checks every quoted include of the C++ sources against the layer graph the build declares
(build/layers.txt, written by cmake/Layers.cmake): a file in a layer's folder may include only
its own folder and the folders of the layers it links, directly or through them. The build
already fails on such an include (each layer sees only its dependencies' folders); this check
also catches what a compiler would resolve anyway (paths with '..', includes relative to the
including file) and says which rule was broken. Exit 1 on any violation.

Usage: check_layers.py SOURCE_DIR LAYERS_TXT"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def load_layers(path):
    layers = {}  # target -> (folder, [deps])
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        target, folder = parts[0], parts[1]
        deps = [d for d in (parts[2].split(',') if len(parts) > 2 else []) if d]
        layers[target] = (folder, deps)
    return layers


def allowed_folders(layers):
    """folder -> set of folders its sources may include (its own and every dependency's)."""
    memo = {}

    def reach(t, seen=()):
        if t in memo:
            return memo[t]
        if t in seen:
            raise SystemExit(f'layer cycle through {t}')
        out = {layers[t][0]}
        for d in layers[t][1]:
            if d in layers:
                out |= reach(d, seen + (t,))
        memo[t] = out
        return out

    by_folder = {}
    for t, (folder, _) in layers.items():
        by_folder.setdefault(folder, set()).update(reach(t))
    return by_folder


def owner(path, folders):
    """The layer folder a repository path lies in (the longest matching folder), or None."""
    best = None
    for f in folders:
        if path == f or path.startswith(f + '/'):
            if best is None or len(f) > len(best):
                best = f
    return best


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    root, layers_txt = sys.argv[1], sys.argv[2]
    layers = load_layers(layers_txt)
    allowed = allowed_folders(layers)
    folders = list(allowed)
    bad, checked = [], 0
    for folder in folders:
        for dp, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith(('.h', '.cpp', '.in')):
                    continue
                path = os.path.relpath(os.path.join(dp, name), root)
                if owner(path, folders) != folder:
                    continue  # a nested layer's file: checked as that layer's
                for n, line in enumerate(open(os.path.join(root, path), errors='replace'), 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    checked += 1
                    inc = m.group(1)
                    # Relative to the including file first, as the compiler resolves it.
                    local = os.path.normpath(os.path.join(os.path.dirname(path), inc))
                    target = local if os.path.exists(os.path.join(root, local)) else os.path.normpath(inc)
                    to = owner(target, folders)
                    if to is None:
                        continue  # generated headers, Verilated models, system-like headers
                    if to not in allowed[folder]:
                        bad.append(f'{path}:{n}: includes "{inc}" ({to}), which {folder} may not use '
                                   f'(it may include {", ".join(sorted(allowed[folder]))})')
    for b in bad:
        print(b)
    print(f'{checked} includes checked in {len(folders)} layers, {len(bad)} against the layer graph')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
