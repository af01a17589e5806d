"""Rewrite the expected files of the golden corpus (fixtures/calls/).

Usage: tools/regen-golden [--check] [CASE ...]

Runs each case through the same code path as tests/test_golden.py, prints a diff of
every file that changes and writes it (or, with --check, writes nothing and exits 1
when anything would change). Review the diff like code before committing it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.golden import CALLS, case_dirs, diff, expected_files, run_case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="regen-golden", description=__doc__.split("\n")[1])
    parser.add_argument("--check", action="store_true", help="only report drift (exit 1)")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args(argv)
    cases = [CALLS / name for name in args.cases] if args.cases else case_dirs()
    drift = False
    for case in cases:
        if not (case / "case.json").is_file():
            print(f"no such case: {case.name}", file=sys.stderr)
            return 2
        actual = run_case(case)
        expected = expected_files(case)
        for name in sorted(set(actual) | set(expected)):
            if actual.get(name) == expected.get(name):
                continue
            drift = True
            print(
                diff(name, expected.get(name), actual.get(name)) or f"changed: {case.name}/{name}"
            )
            if args.check:
                continue
            target = case / name
            if name in actual:
                target.write_bytes(actual[name])
            else:
                target.unlink()
    if args.check and drift:
        print("golden files are out of date: run tools/regen-golden and review", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
