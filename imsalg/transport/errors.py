"""Errors of the H.248 transports, refining :mod:`imsalg.errors`.

A proxy catches :class:`~imsalg.errors.GatewayError` (or :class:`~imsalg.errors.IMSALGError`)
and answers ``sip_status``; the subclasses here let a caller tell *why* when it cares.
"""

from __future__ import annotations

from imsalg.errors import GatewayError, H248Error

__all__ = ["GatewayTimeout", "GatewayUnreachable", "TPKTError"]


class GatewayTimeout(GatewayError):
    """One address gave no reply to a transaction in time, or its connection was lost (503)."""

    sip_status = 503


class GatewayUnreachable(GatewayError):
    """No address of the IMS-AGW answered, or none could be found in the DNS (503)."""

    sip_status = 503


class TPKTError(H248Error):
    """A TCP byte stream does not follow the RFC 1006 TPKT framing (H.248.1 Annex D.2)."""
