"""Write the SDP the ALG sends on one side: targeted line edits, nothing else.

:func:`rewrite_sdp` takes the SDP as received from one side and the stream plans,
and returns the text for the other side. Only lines a rule names are touched; every
other line comes out byte-for-byte, in order, with its line ending.

Per anchored m-line, toward side S (S's leg of the plan):

- ``m=``: the AGW's port on S and the proto of S (TCP/TLS/MSRP toward the UE for
  e2ae, TCP/MSRP toward the core).
- ``c=``: a media-level ``c=`` with the AGW's address on S (replaced, or inserted
  after ``m=``/``i=``), so other m-lines keep the session-level ``c=``.
- ``a=setup``: the value the roles function chose for S (TS 23.334 §5.16;
  RFC 4145); removed when that value is "none" (a pure RFC 4975 peer).
- e2ae toward the UE: the AGW's ``a=fingerprint`` (RFC 8122) replaces the peer's,
  and ``a=3ge2ae:applied`` (TS 24.229 §7.5.2) replaces ``requested``.
- e2ae toward the core: the UE's ``a=fingerprint`` lines are removed (also the
  session-level ones when no other m-line inherits them).
- toward the core, ``a=3ge2ae`` is removed from every anchored m-line: it concerns
  only the UE's access hop.
- aware MSRP mode: ``a=path`` becomes the AGW's own URI on S (TS 23.334 §5.19.5).

Removed streams (port 0) get port 0 and the proto of S.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from imsalg.iq.procedures import MSRPMode, Side
from imsalg.sdp.attributes import E2AEIndicator, Setup, address_type_of
from imsalg.sdp.model import SDPEditor, SessionDescription
from imsalg.sdp.msrp import format_path

from .state import LegState, StreamKind, StreamState

__all__ = ["rewrite_sdp"]

# Enum members as module constants: on Python 3.11 each ``Enum.X`` is a class attribute
# lookup through the metaclass (about 65 ns), and this runs for every forwarded SDP.
_ACCESS: Final = Side.ACCESS
_CORE: Final = Side.CORE
_E2AE: Final = StreamKind.E2AE
_REMOVED: Final = StreamKind.REMOVED
_AWARE: Final = MSRPMode.AWARE
_APPLIED_LINE: Final = "a=3ge2ae:" + E2AEIndicator.APPLIED.value
#: ``"a=setup:" + setup.value`` per value (``Enum.value`` is a Python-level property).
_SETUP_LINES: Final = {setup: "a=setup:" + setup.value for setup in Setup}


def _replace_all(
    editor: SDPEditor,
    media: int,
    existing: list[tuple[int, str | None]],
    new_line: str,
) -> None:
    """Put *new_line* where the first of *existing* was (end of section if none)."""
    if existing:
        for index, _ in existing:
            editor.delete(index)
        editor.insert_after(existing[0][0], new_line)
    else:
        editor.append_to_section(media, new_line)


def _delete_all(editor: SDPEditor, existing: list[tuple[int, str | None]]) -> None:
    for index, _ in existing:
        editor.delete(index)


def _rewrite_anchored(
    sdp: SessionDescription, editor: SDPEditor, stream: StreamState, leg: LegState
) -> None:
    media = stream.index
    start = sdp.media_starts[media]
    agw = leg.agw
    if agw is None:
        raise ValueError(f"m-line {media}: the AGW has no address on the {leg.side.value} side")
    editor.replace(start, sdp.media_line_text(media, port=agw.port, proto=leg.proto))

    # c=: media level, so the other m-lines keep the session-level c= (RFC 8866 §5.7).
    connection = f"c=IN {address_type_of(agw.address)} {agw.address}"
    c_lines = sdp.line_indexes(media, "c")
    if c_lines:
        editor.replace(c_lines[0], connection)
        for index in c_lines[1:]:
            editor.delete(index)
    else:
        after = start
        # RFC 8866 §5: m=, i=, c= — c= goes after an i= line that follows m=.
        if start + 1 < len(sdp.lines) and sdp.lines[start + 1].startswith("i="):
            after = start + 1
        editor.insert_after(after, connection)

    setup_sent = leg.roles.setup_sent
    if setup_sent is None:
        _delete_all(editor, sdp.attributes(media, "setup"))
    else:
        _replace_all(editor, media, sdp.attributes(media, "setup"), _SETUP_LINES[setup_sent])

    e2ae = stream.kind is _E2AE
    side = leg.side
    if side is _ACCESS and e2ae:
        if leg.local_fingerprint is None:
            raise ValueError(f"m-line {media}: no AGW fingerprint for the access side")
        _replace_all(
            editor,
            media,
            sdp.attributes(media, "fingerprint"),
            "a=fingerprint:" + leg.local_fingerprint.format(),
        )
        _replace_all(editor, media, sdp.attributes(media, "3ge2ae"), _APPLIED_LINE)
    elif side is _CORE:
        if e2ae:
            _delete_all(editor, sdp.attributes(media, "fingerprint"))
        _delete_all(editor, sdp.attributes(media, "3ge2ae"))

    if stream.msrp_mode is _AWARE and leg.agw_path:
        path_lines = sdp.attributes(media, "path")
        _replace_all(editor, media, path_lines, "a=path:" + format_path(leg.agw_path))


def _inherits_session_fingerprint(sdp: SessionDescription, streams: Sequence[StreamState]) -> bool:
    """Whether an m-line other than an e2ae one relies on session-level fingerprints."""
    e2ae = {stream.index for stream in streams if stream.kind is _E2AE}
    for media in range(sdp.media_count):
        if media in e2ae:
            continue
        if "TLS" in sdp.media_line(media).proto_upper and not sdp.has_attribute(
            media, "fingerprint"
        ):
            return True
    return False


def rewrite_sdp(sdp: SessionDescription, streams: Sequence[StreamState], toward: Side) -> str:
    """The SDP to send toward *toward*, from *sdp* as received from the other side."""
    editor = SDPEditor(sdp)
    any_e2ae = False
    media_count = sdp.media_count
    for stream in streams:
        index = stream.index
        if index >= media_count:
            raise ValueError(f"plan for m-line {index} but the SDP has {media_count}")
        leg = stream.leg(toward)
        if leg is None:
            continue
        kind = stream.kind
        if kind.anchored and stream.failure is None:
            _rewrite_anchored(sdp, editor, stream, leg)
            any_e2ae = any_e2ae or kind is _E2AE
        elif kind is _REMOVED:
            line = sdp.media_line(index)
            if line.port != 0 or line.proto != leg.proto:
                editor.replace(
                    sdp.media_starts[index], sdp.media_line_text(index, port=0, proto=leg.proto)
                )
            if toward is _CORE:
                _delete_all(editor, sdp.attributes(index, "3ge2ae"))
                if stream.access is not None and stream.access.transport.tls:
                    # The stream was e2ae: the UE's certificate never goes to the core.
                    _delete_all(editor, sdp.attributes(index, "fingerprint"))
    if toward is _CORE and any_e2ae:
        # The UE's certificate is consumed by the AGW; the core never needs it.
        session_fingerprints = sdp.attributes(None, "fingerprint")
        if session_fingerprints and not _inherits_session_fingerprint(sdp, streams):
            _delete_all(editor, session_fingerprints)
    return editor.to_text()
