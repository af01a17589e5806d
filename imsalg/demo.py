"""``imsalg demo``: a call flow a person can follow.

``--offline CASE`` replays a golden call flow (``fixtures/calls/<case>``) through the
engine and the offline AGW and prints, step by step, each SDP before and after the
rewrite with the changed lines marked, the Iq transactions, and the roles chosen
with the reason.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from pathlib import Path

from imsalg.alg.driver import Exchange, SyncDriver
from imsalg.alg.engine import Call
from imsalg.alg.offline import OfflineGateway
from imsalg.alg.state import StreamState
from imsalg.iq.describe import describe_reply, describe_request
from imsalg.iq.procedures import Side
from imsalg.sdp.model import decode_sdp_bytes

__all__ = ["marked_diff", "replay_case"]

Print = Callable[[str], None]


def marked_diff(before: str, after: str) -> list[str]:
    """The lines of *after*, each marked ``'  '`` (kept), ``'+ '`` (new or changed), with
    the lines of *before* that were dropped or replaced shown as ``'- '``."""
    old = before.splitlines()
    new = after.splitlines()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend("  " + line for line in new[j1:j2])
            continue
        out.extend("- " + line for line in old[i1:i2])
        out.extend("+ " + line for line in new[j1:j2])
    return out


def _roles(stream: StreamState) -> list[str]:
    lines = [f"  m-line {stream.index} ({stream.media}): {stream.kind.value} — {stream.why}"]
    for leg in (stream.access, stream.core):
        if leg is None:
            continue
        roles = leg.roles
        sent = roles.setup_sent.value if roles.setup_sent else "(none)"
        received = roles.setup_received.value if roles.setup_received else "(none)"
        text = (
            f"    {leg.side.value:6} AGW {leg.agw or '?'} ↔ peer {leg.peer or '?'}: "
            f"a=setup sent {sent}, received {received} → TCP {roles.tcp.value}"
        )
        if leg.transport.tls:
            text += f", TLS {roles.tls.value}"
            if leg.establish_tls:
                text += " (told to start TLS once TCP is up)"
        lines.append(text)
    return lines


def _exchange(print_: Print, exchange: Exchange) -> None:
    for request, reply in zip(exchange.requests, exchange.replies, strict=True):
        for line in describe_request(request):
            print_("  Iq → " + line)
        for line in describe_reply(reply):
            print_("  Iq ← " + line)


def replay_case(case: Path, gateway: OfflineGateway, call: Call, print_: Print) -> None:
    """Replay the steps of a golden case directory, printing the flow."""
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    driver = SyncDriver(call, gateway)
    print_(f"# {case.name}: {spec.get('description', '')}")
    for number, step in enumerate(spec["steps"], start=1):
        print_("")
        if step.get("release"):
            print_(f"## step {number}: the call ends — release every AGW resource")
            _exchange(print_, driver.release())
            continue
        side = Side(step["from"])
        text = decode_sdp_bytes((case / step["input"]).read_bytes())
        what = "answer" if call.state.negotiation is not None else "offer"
        print_(f"## step {number}: SDP {what} from the {side.value} side ({step['input']})")
        exchange = driver.sdp(side, text)
        _exchange(print_, exchange)
        forwarded = exchange.forwarded
        if forwarded is None:
            continue
        print_(f"  SDP to the {forwarded.to.value} side (changed lines marked):")
        for line in marked_diff(text, forwarded.sdp):
            print_("    " + line)
        print_("  roles and reasons:")
        for stream in call.streams:
            for line in _roles(stream):
                print_("  " + line)
