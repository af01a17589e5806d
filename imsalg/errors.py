"""The whole exception tree of imsalg.

Every error a caller can meet derives from :class:`IMSALGError`. Errors caused by
input the caller passed on from a peer (SDP, H.248 text, MSRP bytes) carry the SIP
status a proxy should answer with (``sip_status``) and a reason phrase, so a P-CSCF
can turn any refusal into a SIP response without a table of its own.

Errors also derive from the builtin they refine (``ValueError``, ``RuntimeError``,
``OSError``), as attrs does, so callers may catch either.
"""

from __future__ import annotations

__all__ = [
    "REASON_PHRASES",
    "GatewayError",
    "H248Error",
    "H248SyntaxError",
    "IMSALGError",
    "LocalStateError",
    "MSRPFrameError",
    "NegotiationError",
    "RelayError",
    "SDPError",
    "SDPSyntaxError",
    "UnsupportedMedia",
]

#: SIP reason phrases (RFC 3261 §21 and RFC 3265/3329 additions) for the statuses imsalg uses.
REASON_PHRASES: dict[int, str] = {
    400: "Bad Request",
    488: "Not Acceptable Here",
    481: "Call/Transaction Does Not Exist",
    491: "Request Pending",
    500: "Server Internal Error",
    503: "Service Unavailable",
    504: "Server Time-out",
}


class IMSALGError(Exception):
    """Base of every imsalg error; never raised itself."""

    #: SIP status a proxy should answer when this error refuses a request.
    sip_status: int = 500

    def __init__(self, detail: str, *, sip_status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if sip_status is not None:
            self.sip_status = sip_status

    @property
    def reason_phrase(self) -> str:
        """The SIP reason phrase that goes with :attr:`sip_status`."""
        return REASON_PHRASES.get(self.sip_status, "Error")

    def one_line(self) -> str:
        """``"<status> <reason phrase>: <detail>"`` on one line (the CLI's refusal format)."""
        detail = " ".join(self.detail.split())
        return f"{self.sip_status} {self.reason_phrase}: {detail}"


class SDPError(IMSALGError, ValueError):
    """The SDP is acceptable as text but cannot be accepted by the rules (488)."""

    sip_status = 488


class SDPSyntaxError(SDPError):
    """The SDP cannot be parsed (400). ``line`` is 1-based, or 0 when not tied to a line."""

    sip_status = 400

    def __init__(self, detail: str, *, line: int = 0) -> None:
        where = f"line {line}: " if line else ""
        super().__init__(f"{where}{detail}")
        self.line = line


class UnsupportedMedia(SDPError):
    """A transport or feature the rules cannot serve was requested (488)."""


class NegotiationError(SDPError):
    """Offer/answer rules broken: a=setup conflict, fingerprint missing or unusable (488)."""


class LocalStateError(IMSALGError, RuntimeError):
    """The call is not in a state where this event is allowed.

    The default status is 491 (Request Pending): the usual cause is an offer arriving
    while an earlier offer is still unanswered.
    """

    sip_status = 491


class GatewayError(IMSALGError, RuntimeError):
    """The IMS-AGW refused or failed a request (500), or could not be reached (503).

    ``h248_code`` is the H.248 error code when the AGW replied with an Error descriptor.
    """

    sip_status = 500

    def __init__(
        self, detail: str, *, h248_code: int | None = None, sip_status: int | None = None
    ) -> None:
        super().__init__(detail, sip_status=sip_status)
        self.h248_code = h248_code


class H248Error(IMSALGError, ValueError):
    """An H.248 message is malformed or cannot be mapped to an Iq procedure."""

    sip_status = 500


class H248SyntaxError(H248Error):
    """H.248 text does not follow the H.248.1 Annex B grammar; names line and column."""

    def __init__(self, detail: str, *, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {detail}")
        self.line = line
        self.column = column


class MSRPFrameError(IMSALGError, ValueError):
    """MSRP bytes do not follow the RFC 4975 framing."""


class RelayError(IMSALGError, OSError):
    """A media relay in the IMS-AGW failed (socket, TLS or peer problem)."""
