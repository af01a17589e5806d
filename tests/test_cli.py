"""The `imsalg rewrite` contract: output, exit statuses, STATE handling, plan schema."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from imsalg.cli import main
from tests.alg.helpers import core_sdp, ue_offer

ROOT = Path(__file__).resolve().parent.parent


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, bytes, str]:
    out = io.BytesIO()
    err = io.StringIO()
    status = main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_offer_from_stdin_then_answer_from_a_file(tmp_path: Path) -> None:
    state = tmp_path / "call.json"
    status, out, err = run(
        ["rewrite", "--from", "access", "--state", str(state)], ue_offer().encode()
    )
    assert (status, err) == (0, "")
    assert b"m=message 50000 TCP/MSRP *\r\n" in out
    assert b"a=3ge2ae" not in out
    assert state.is_file()
    answer = tmp_path / "answer.sdp"
    answer.write_bytes(core_sdp().encode())
    plan = tmp_path / "plan.json"
    status, out, err = run(
        ["rewrite", "--from", "core", "--state", str(state), "--plan", str(plan), str(answer)]
    )
    assert status == 0
    assert b"a=3ge2ae:applied\r\n" in out
    assert b"TCP/TLS/MSRP" in out
    document = json.loads(plan.read_text())
    [stream] = document["streams"]
    assert stream["kind"] == "e2ae"
    for key in ("index", "media", "kind", "msrp_mode", "tcp_establishment"):
        assert key in stream
    for leg in ("access", "core"):
        for key in ("transport", "agw", "peer", "setup_sent", "setup_received", "tcp_role"):
            assert key in stream[leg]
    for key in ("tls_role", "establish_tls", "local_fingerprint", "remote_fingerprints"):
        assert key in stream["access"]
    assert stream["access"]["tls_role"] == stream["access"]["tcp_role"] == "server"
    assert stream["access"]["local_fingerprint"].startswith("sha-256 ")


def test_dash_reads_stdin(tmp_path: Path) -> None:
    status, out, _ = run(
        ["rewrite", "--from", "access", "--state", str(tmp_path / "s.json"), "-"],
        ue_offer().encode(),
    )
    assert status == 0
    assert out.startswith(b"v=0\r\n")


def test_refusal_prints_one_line_and_touches_nothing(tmp_path: Path) -> None:
    state = tmp_path / "call.json"
    run(["rewrite", "--from", "access", "--state", str(state)], ue_offer().encode())
    before = state.read_bytes()
    plan = tmp_path / "plan.json"
    status, out, err = run(
        ["rewrite", "--from", "core", "--state", str(state), "--plan", str(plan)],
        core_sdp(setup="actpass").encode(),
    )
    assert status == 1
    assert out == b""
    assert err.count("\n") == 1
    assert err.startswith("imsalg: 488 Not Acceptable Here: ")
    assert "actpass" in err
    assert state.read_bytes() == before
    assert not plan.exists()


def test_refusal_on_a_new_call_creates_no_state(tmp_path: Path) -> None:
    state = tmp_path / "call.json"
    status, out, err = run(["rewrite", "--from", "access", "--state", str(state)], b"garbage")
    assert status == 1
    assert out == b""
    assert err.startswith("imsalg: 400 Bad Request: ")
    assert not state.exists()


def test_bytes_outside_utf8_survive(tmp_path: Path) -> None:
    offer = ue_offer().encode().replace(b"s=-", b"s=Caf\xe9 \xff")
    status, out, _ = run(["rewrite", "--from", "access", "--state", str(tmp_path / "s")], offer)
    assert status == 0
    assert b"s=Caf\xe9 \xff\r\n" in out


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[msrp]\nmode = "sometimes"\n', "msrp.mode"),
        ("[nonsense]\n", "unknown configuration table"),
        ('[setup]\nanswer_actpass_access = "actpass"\n', "answer_actpass_access"),
        ('[agw.access]\naddress = "not-an-ip"\n', "not an IP address"),
        ("this is = = not toml", "config"),
    ],
)
def test_bad_configuration_exits_2(tmp_path: Path, config: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(config)
    status, out, err = run(
        ["rewrite", "--from", "access", "--state", str(tmp_path / "s"), "--config", str(path)],
        ue_offer().encode(),
    )
    assert status == 2
    assert out == b""
    assert message in err


def test_damaged_state_exits_2(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    state.write_text('{"format": "imsalg-call-state/1", "call": {"streams": 5}}')
    status, _, err = run(
        ["rewrite", "--from", "access", "--state", str(state)], ue_offer().encode()
    )
    assert status == 2
    assert "damaged" in err


def test_no_ue_e2ae_must_match_the_state(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    run(["rewrite", "--from", "access", "--state", str(state)], ue_offer().encode())
    status, _, err = run(
        ["rewrite", "--from", "core", "--state", str(state), "--no-ue-e2ae"], core_sdp().encode()
    )
    assert status == 2
    assert "msrp-tls;mediasec" in err


def test_no_ue_e2ae_turns_a_requested_stream_into_e2e_tls(tmp_path: Path) -> None:
    plan = tmp_path / "p.json"
    status, out, _ = run(
        [
            "rewrite",
            "--from",
            "access",
            "--state",
            str(tmp_path / "s"),
            "--no-ue-e2ae",
            "--plan",
            str(plan),
        ],
        ue_offer().encode(),
    )
    assert status == 0
    assert json.loads(plan.read_text())["streams"][0]["kind"] == "e2e-tls"
    assert b"TCP/TLS/MSRP" in out


def test_release_reports_through_the_iq_log(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    run(["rewrite", "--from", "access", "--state", str(state)], ue_offer().encode())
    iq = tmp_path / "iq.txt"
    status, out, _ = run(["rewrite", "--release", "--state", str(state), "--iq", str(iq)])
    assert (status, out) == (0, b"")
    assert "Release AGW Termination termination=*" in iq.read_text()


def test_missing_from_is_a_usage_error(tmp_path: Path) -> None:
    status, _, err = run(["rewrite", "--state", str(tmp_path / "s")], ue_offer().encode())
    assert status == 2
    assert "--from" in err


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "imsalg",
            "rewrite",
            "--from",
            "access",
            "--state",
            str(tmp_path / "s"),
        ],
        input=ue_offer().encode(),
        capture_output=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert b"m=message 50000 TCP/MSRP *" in result.stdout
    version = subprocess.run(
        [sys.executable, "-m", "imsalg", "--version"], capture_output=True, timeout=60, check=False
    )
    assert version.stdout.startswith(b"imsalg ")
