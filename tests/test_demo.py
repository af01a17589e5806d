"""`imsalg demo --offline` prints the whole call flow with the changed lines marked."""

from __future__ import annotations

import io
from pathlib import Path

from imsalg.cli import main
from imsalg.demo import marked_diff

ROOT = Path(__file__).resolve().parent.parent


def test_marked_diff_marks_kept_changed_and_dropped_lines() -> None:
    before = "v=0\r\nm=message 1 TCP/TLS/MSRP *\r\na=3ge2ae:requested\r\na=x\r\n"
    after = "v=0\r\nm=message 2 TCP/MSRP *\r\na=x\r\n"
    assert marked_diff(before, after) == [
        "  v=0",
        "- m=message 1 TCP/TLS/MSRP *",
        "- a=3ge2ae:requested",
        "+ m=message 2 TCP/MSRP *",
        "  a=x",
    ]


def test_offline_demo_shows_each_step(tmp_path: Path) -> None:
    out = io.BytesIO()
    err = io.StringIO()
    case = ROOT / "fixtures" / "calls" / "ue-orig-e2ae-actpass"
    status = main(["demo", "--offline", str(case)], stdout=out, stderr=err)
    text = out.getvalue().decode()
    assert status == 0, err.getvalue()
    assert "## step 1: SDP offer from the access side" in text
    assert "## step 2: SDP answer from the core side" in text
    assert "## step 3: the call ends" in text
    assert "    + a=3ge2ae:applied" in text
    assert "    - a=3ge2ae:requested" in text
    assert "TLS server" in text
    assert "Release AGW Termination termination=*" in text


def test_demo_rejects_a_directory_without_a_case(tmp_path: Path) -> None:
    err = io.StringIO()
    assert main(["demo", "--offline", str(tmp_path)], stdout=io.BytesIO(), stderr=err) == 2
    assert "case.json" in err.getvalue()
