"""`imsalg agw` as a real process, driven by `imsalg rewrite --gateway` from a shell's
point of view: a protected MSRP session set up against a running AGW."""

from __future__ import annotations

import io
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imsalg.cli import main
from imsalg.h248 import decode
from imsalg.h248.model import Add, TransactionReply, TransactionRequest
from imsalg.sdp.media import read_media
from imsalg.sdp.model import SessionDescription
from tests.agw.helpers import client_context, write_certificate
from tests.drivers.test_aio_inprocess import core_answer, ue_offer

ROOT = Path(__file__).resolve().parent.parent


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, bytes, str]:
    out = io.BytesIO()
    err = io.StringIO()
    status = main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def agw_process() -> object:
    process = subprocess.Popen(
        [sys.executable, "-m", "imsalg", "agw", "--control", "udp:127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        assert line.startswith("imsalg agw: ready control=udp:127.0.0.1:"), line
        yield process, line.strip().rsplit("=", 1)[1]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_rewrite_against_a_running_agw(
    tmp_path: Path, agw_process: tuple[subprocess.Popen[bytes], str]
) -> None:
    process, control = agw_process
    ue = write_certificate(tmp_path)
    state = tmp_path / "call.json"
    commands = tmp_path / "cmds.h248"
    status, to_core, err = run(
        [
            "rewrite",
            "--from",
            "access",
            "--state",
            str(state),
            "--gateway",
            control,
            "--commands",
            str(commands),
        ],
        ue_offer(ue.fingerprint).encode(),
    )
    assert status == 0, err
    assert b"TCP/MSRP" in to_core
    # The wire log: what crossed, in order, with the transaction ids really used.
    blocks = commands.read_text().split("; ")[1:]
    assert [block.split(" ", 1)[0] for block in blocks[:2]] == ["sent", "received"]
    assert blocks[0].startswith(f"sent to {control.removeprefix('udp:')}\n")
    request, reply = (decode(block.split("\n", 1)[1]) for block in blocks[:2])
    [sent] = request.transactions
    [answered] = reply.transactions
    assert isinstance(sent, TransactionRequest)
    assert isinstance(answered, TransactionReply)
    assert answered.transaction_id == sent.transaction_id
    assert any(isinstance(c, Add) for a in sent.actions for c in a.commands)
    saved = json.loads(state.read_text())
    assert saved["gateway"] == {"kind": "h248", "destination": control}
    assert saved["call"]["context"] is not None

    core = socket.create_server(("127.0.0.1", 0))
    core_port = core.getsockname()[1]
    status, to_ue, err = run(
        ["rewrite", "--from", "core", "--state", str(state)], core_answer(core_port).encode()
    )
    assert status == 0, err
    info = read_media(SessionDescription.parse(to_ue.decode()), 0)
    assert info.connection is not None
    [agw_fingerprint] = info.fingerprints
    # The SDP names the live AGW: its TLS port answers with the certificate in the SDP.
    context = client_context(ue)
    raw = socket.create_connection((info.connection.host, info.line.port), timeout=5)
    with context.wrap_socket(raw) as tls:
        der = tls.getpeercert(binary_form=True)
        assert der is not None
        assert agw_fingerprint.matches(der)
        tls.sendall(b"MSRP a1 SEND\r\nTo-Path: x\r\nFrom-Path: y\r\n\r\n-------a1$\r\n")
        core.settimeout(5)
        accepted, _ = core.accept()
        with accepted:
            accepted.settimeout(5)
            assert accepted.recv(100).startswith(b"MSRP a1 SEND")
    core.close()

    release_commands = tmp_path / "r.h248"
    status, out, err = run(
        [
            *("rewrite", "--release", "--state", str(state), "--iq", str(tmp_path / "r.txt")),
            *("--commands", str(release_commands), "--compact"),
        ]
    )
    assert (status, out) == (0, b""), err
    assert "released termination=" in (tmp_path / "r.txt").read_text()
    # A new process starts its transaction ids at random, not at 1 again: the AGW's
    # reply cache could otherwise answer it with the last step's reply.
    [subtract] = decode(release_commands.read_text().split("\n", 1)[1].split("; ")[0]).transactions
    assert isinstance(subtract, TransactionRequest)
    assert subtract.transaction_id != sent.transaction_id
    assert release_commands.read_text().split("\n", 1)[1].startswith("!/3")
    assert json.loads(state.read_text())["call"]["context"] is None

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def test_a_state_cannot_move_between_gateways(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    fingerprint = write_certificate(tmp_path).fingerprint
    assert (
        run(["rewrite", "--from", "access", "--state", str(state)], ue_offer(fingerprint).encode())[
            0
        ]
        == 0
    )
    status, _, err = run(
        ["rewrite", "--from", "core", "--state", str(state), "--gateway", "udp:127.0.0.1:9"],
        core_answer(2855).encode(),
    )
    assert status == 2
    assert "offline AGW" in err


def test_unreachable_gateway_is_a_503_refusal(tmp_path: Path) -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    state = tmp_path / "s.json"
    started = time.monotonic()
    status, out, err = run(
        [
            "rewrite",
            "--from",
            "access",
            "--state",
            str(state),
            "--timeout",
            "2",
            "--gateway",
            f"udp:127.0.0.1:{port}",
        ],
        ue_offer(write_certificate(tmp_path).fingerprint).encode(),
    )
    silent.close()
    assert status == 1
    assert out == b""
    assert err.startswith("imsalg: 503 Service Unavailable: ")
    assert not state.exists()
    assert time.monotonic() - started < 10


def test_sigint_also_stops_the_agw_cleanly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "imsalg", "agw", "--control", "udp:127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(b"imsalg agw: ready control=udp:127.0.0.1:")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_h248_subcommands(tmp_path: Path) -> None:
    source = ROOT / "fixtures" / "calls" / "ue-orig-e2ae-actpass" / "01-commands.h248"
    text = source.read_bytes().split(b"MEGACO/3 <agw")[0]
    status, compact, _ = run(["h248", "compact"], text)
    assert status == 0
    assert compact.startswith(b"!/3 <alg.imsalg.invalid>")
    status, pretty, _ = run(["h248", "pretty"], compact)
    assert status == 0
    assert pretty == text
    status, decoded, _ = run(["h248", "decode"], compact)
    document = json.loads(decoded)
    assert json.dumps(document).count("TCP/TLS/MSRP") >= 1
    status, out, err = run(["h248", "decode"], b"MEGACO/3 [1.2.3.4]\nTransaction = x {}")
    assert (status, out) == (1, b"")
    assert err.startswith("imsalg: 2:")
    assert err.count("\n") == 1
