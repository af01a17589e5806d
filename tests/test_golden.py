"""Every call flow under fixtures/calls/ reproduces its golden files byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import case_dirs, diff, expected_files, run_case


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_call_flow_matches_golden_files(case: Path) -> None:
    actual = run_case(case)
    expected = expected_files(case)
    problems = [
        diff(name, expected.get(name), actual.get(name))
        for name in sorted(set(actual) | set(expected))
        if expected.get(name) != actual.get(name)
    ]
    assert not problems, (
        "golden files differ (review, then ./tools/regen-golden "
        + case.name
        + "):\n"
        + "\n".join(problems)
    )


def test_there_are_cases() -> None:
    assert len(case_dirs()) >= 30
