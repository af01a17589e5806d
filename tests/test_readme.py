"""The README's library example runs as written (with two SDP bodies filled in)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.alg.helpers import core_sdp, ue_offer

README = Path(__file__).resolve().parent.parent / "README.md"


def test_library_example_runs() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Library, in ten lines\n\n```python\n(.*?)```", text, re.S)
    assert block is not None
    code = block.group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 11
    printed: list[str] = []
    namespace = {
        "ue_offer_text": ue_offer(),
        "core_answer_text": core_sdp(),
        "print": printed.append,
    }
    exec(compile(code, "README.md", "exec"), namespace)
    assert "a=3ge2ae:applied" in printed[0]
    assert "TCP/TLS/MSRP" in printed[0]
