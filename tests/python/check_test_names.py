#!/usr/bin/python3
"""Lint: every Catch2 test name in tests/unit is one CTest can register.

catch_discover_tests puts the names in a CMake list, where an unbalanced '[' swallows every
later name: the tests after it silently stop running under CTest (it happened: one name with
"[from, to)" hid 320 unit tests). This fails naming the test case.

    tests/python/check_test_names.py SOURCE_DIR
"""
import pathlib
import re
import sys

NAME = re.compile(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"')


def balanced(name):
    depth = 0
    for ch in name:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def main():
    root = pathlib.Path(sys.argv[1])
    bad = []
    for f in sorted((root / "tests" / "unit").glob("*.cpp")):
        for m in NAME.finditer(f.read_text()):
            if not balanced(m.group(1)):
                line = f.read_text().count("\n", 0, m.start()) + 1
                bad.append(f"{f.relative_to(root)}:{line}: unbalanced brackets in test name '{m.group(1)}'")
    for b in bad:
        print(b, file=sys.stderr)
    if bad:
        print("CTest's test discovery would drop every test after these names", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
