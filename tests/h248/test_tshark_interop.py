"""Interop with Wireshark's MEGACO and SDP dissectors (tshark, PEERS.md).

Every corpus message, encoded by imsalg pretty and compact, goes into one classic pcap
(Ethernet/IPv4/UDP to port 2944, correct checksums); tshark decodes it with
``-T json --no-duplicate-keys`` (repeated ``a=`` lines are lost without that flag) and the
fields ``megaco.transid megaco.context megaco.command megaco.termid megaco.mode
megaco.error_code sdp.media sdp.media.proto sdp.connection_info.address sdp.media_attr``
are compared with what imsalg decoded. tshark must report no malformed packet.

Wireshark 4.0 quirks found on the way (the expectations below follow them):
- the termination IDs ``$`` and ``*`` are reported as ``WildCard any`` / ``WildCard all``;
- it stops at a TransactionResponseAck: only the first acknowledged ID is a transid and
  nothing after the ack is dissected;
- context properties before the commands (``Priority = 5, Emergency, Topology{...}``)
  are taken for a command named ``Priority`` (its value for a termination ID) and the real
  commands are not dissected: only transaction and context IDs of such messages are
  compared;
- a Local/Remote body with an escaped brace ``\\}`` is not handed to the SDP dissector;
- ``megaco.mode`` is the token as written (``SendReceive`` or ``SR``), and compact command
  tokens are expanded only when the header is ``!/`` (imsalg writes ``!/`` in compact form);
- not imsalg's case, seen on hand-written input: a ``;`` comment makes the dissector give
  up ("can't parse it"), and a Local/Remote closing brace indented on its own line yields
  "Invalid SDP line (no '=' delimiter)" — why imsalg's pretty form closes the SDP with a
  brace at the start of the line.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from imsalg.h248 import model as m
from imsalg.h248.text import decode, encode_bytes
from tests.peers import require_peer

from .corpus import corpus_messages, streams_of
from .megaco import megaco_context
from .pcap import udp_frame, write_pcap

FIELDS = (
    "megaco.transid",
    "megaco.context",
    "megaco.command",
    "megaco.termid",
    "megaco.mode",
    "megaco.error_code",
    "sdp.media",
    "sdp.media.proto",
    "sdp.connection_info.address",
    "sdp.media_attr",
    "_ws.malformed",
)
_TERMINATION_WORDS = {"$": "WildCard any", "*": "WildCard all"}
_MODE_SPELLING = {
    m.StreamMode.SENDRECV: ("SendReceive", "SR"),
    m.StreamMode.SENDONLY: ("SendOnly", "SO"),
    m.StreamMode.RECVONLY: ("ReceiveOnly", "RC"),
    m.StreamMode.INACTIVE: ("Inactive", "IN"),
    m.StreamMode.LOOPBACK: ("Loopback", "LB"),
}


def _dissected(message: m.Message) -> list[m.Transaction]:
    """The transactions tshark dissects: up to and including the first response ack."""
    out: list[m.Transaction] = []
    for transaction in message.transactions:
        out.append(transaction)
        if isinstance(transaction, m.TransactionResponseAck):
            break
    return out


def _errors(message: m.Message, transactions: list[m.Transaction]) -> list[str]:
    codes = []
    if message.error is not None:
        codes.append(message.error.code)
    for transaction in transactions:
        if isinstance(transaction, m.TransactionReply):
            if transaction.error is not None:
                codes.append(transaction.error.code)
            for action in transaction.actions:
                for reply in action.replies:
                    error = getattr(reply, "error", None)
                    audit = getattr(reply, "audit", None)
                    if audit is not None:
                        error = audit.error
                    if error is not None:
                        codes.append(error.code)
                if action.error is not None:
                    codes.append(action.error.code)
        elif isinstance(transaction, m.TransactionRequest):
            for request in transaction.actions:
                for command in request.commands:
                    error = getattr(command, "error", None)
                    if error is not None:
                        codes.append(error.code)
    return [str(int(c)) for c in codes]


def expected_fields(message: m.Message, *, compact: bool) -> dict[str, list[str]]:
    """What tshark should report for *message* (see the module docstring for the quirks)."""
    transactions = _dissected(message)
    out: dict[str, list[str]] = {field: [] for field in FIELDS}
    compare_commands = True
    for transaction in transactions:
        if isinstance(transaction, m.TransactionResponseAck):
            out["megaco.transid"].append(str(transaction.acks[0].first))
            continue
        out["megaco.transid"].append(str(transaction.transaction_id))
        if isinstance(transaction, m.TransactionPending):
            continue
        for action in transaction.actions:
            out["megaco.context"].append(str(megaco_context(action.context_id)))
            if action.context is not None:
                compare_commands = False
            items: tuple[Any, ...] = (
                action.commands if isinstance(transaction, m.TransactionRequest) else action.replies  # type: ignore[union-attr]
            )
            for item in items:
                out["megaco.command"].append(item.token.long)
                out["megaco.termid"].extend(
                    _TERMINATION_WORDS.get(tid, tid) for tid in item.terminations
                )
    for stream in streams_of(m.Message(mid=message.mid, transactions=tuple(transactions))):
        control = stream.local_control
        if control is not None and control.mode is not None:
            out["megaco.mode"].append(_MODE_SPELLING[control.mode][compact])
        for sdp in (stream.local, stream.remote):
            if sdp is None or "}" in sdp:
                continue
            for line in sdp.splitlines():
                if line.startswith("m="):
                    out["sdp.media"].append(line[2:])
                    out["sdp.media.proto"].append(line[2:].split(" ")[2])
                elif line.startswith("c="):
                    out["sdp.connection_info.address"].append(line[2:].split(" ")[2])
                elif line.startswith("a="):
                    out["sdp.media_attr"].append(line[2:])
    out["megaco.error_code"] = _errors(message, transactions)
    if not compare_commands:
        for field in ("megaco.command", "megaco.termid", "megaco.mode", *_SDP_FIELDS):
            del out[field]
    return out


_SDP_FIELDS = ("sdp.media", "sdp.media.proto", "sdp.connection_info.address", "sdp.media_attr")


def test_tshark_reads_what_imsalg_writes(tmp_path: Path) -> None:
    tshark = require_peer("tshark")
    cases = []
    for name, data in corpus_messages():
        message = decode(data)
        for compact in (False, True):
            cases.append((f"{name} ({'compact' if compact else 'pretty'})", message, compact))
    frames = [
        udp_frame(encode_bytes(message, compact=compact), ident=number)
        for number, (_, message, compact) in enumerate(cases)
    ]
    capture = tmp_path / "corpus.pcap"
    write_pcap(capture, frames)
    command = [tshark, "-r", str(capture), "-T", "json", "--no-duplicate-keys"]
    for field in FIELDS:
        command += ["-e", field]
    done = subprocess.run(command, capture_output=True, timeout=120, check=True)
    packets = json.loads(done.stdout)
    assert len(packets) == len(cases)
    mismatches = []
    compared_sdp = 0
    for packet, (label, message, compact) in zip(packets, cases, strict=True):
        layers: dict[str, list[str]] = packet["_source"]["layers"]
        expected = expected_fields(message, compact=compact)
        for field, values in expected.items():
            got = layers.get(field, [])
            if got != values:
                mismatches.append(f"{label}: {field} tshark={got} imsalg={values}")
        compared_sdp += len(expected.get("sdp.media", []))
    assert not mismatches, "\n".join(mismatches)
    assert compared_sdp >= 40
