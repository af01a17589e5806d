"""The H.248 names the Iq mapping uses, in one table a deployment can correct.

TS 29.334 codes most of the e2ae-MSRP information elements with packages whose texts could
not be read (H.248.89 TCP, H.248.90 TLS, H.248.92 stream endpoint interlinkage; SPEC.md
§3.2, §4). Everything the mapping in :mod:`imsalg.iq.h248` puts on the wire that is not
confirmed is a field of :class:`IqProfile`, with our best guess as the default, so an
operator can align imsalg with a real IMS-AGW from configuration alone
(:meth:`IqProfile.from_mapping`, e.g. from a ``[h248]`` TOML table).

Status of each default (SPEC.md legend):

=================================  ==========================  ==============================
field                              default                     status
=================================  ==========================  ==============================
realm_property                     ``ipdc/realm``              confirmed package (H.248.41,
                                                               TS 29.334 Table 5.14.1.1);
                                                               TerminationState placement [K]
heartbeat_event / _timer           ``hangterm/thb`` ``timerx``  confirmed package (H.248.36);
                                                               names [K]
tls_failure_event / _cause         ``tlsbsc/failev`` ``cause``  UNCONFIRMED (H.248.90 §8)
tls_establish_signal               ``tlsbsc/estab``            UNCONFIRMED (H.248.90 §8)
bearer_released_event / _cause     ``tcpbcc/relev`` ``cause``   UNCONFIRMED (H.248.89 §7)
establishment_property / value     ``seplink/trig`` ``ON``      UNCONFIRMED (H.248.92)
msrp_mode_property / aware value   ``msrpm/mode`` ``aware``     UNCONFIRMED (23.334 §5.19 has
                                                               no known coding)
fingerprint_request                ``{hash} $``                UNCONFIRMED coding of "Local
                                                               certificate fingerprint
                                                               Request" (SPEC.md §3.2)
transport_tcp_tls                  ``TCP/TLS``                 UNCONFIRMED agnostic access
                                                               transport string
statistics names                   ``nt/or`` ``nt/os``          nt package (H.248.1 E.11) [K];
                                   ``msrps/mr`` ``msrps/ms``    MSRP message counts
                                                               UNCONFIRMED (H.248.69)
=================================  ==========================  ==============================

The rest is fixed by standards and not configurable: Add/Modify/Subtract/Notify
(H.248.1), Local/Remote SDP with ``$`` for what the AGW chooses, RFC 4145 ``a=setup``,
RFC 8122 ``a=fingerprint``, RFC 4975 ``a=path``, and the error codes 445, 449, 501, 510,
430 and 411 (TS 29.334 §5.17.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from imsalg.iq.procedures import Side, Transport
from imsalg.sdp.attributes import Setup

__all__ = ["DEFAULT_PROFILE", "IqProfile"]


def _realm_sides(
    value: Mapping[str, Side] | tuple[tuple[str, Side], ...],
) -> tuple[tuple[str, Side], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(realm), Side(side)) for realm, side in items)


@attrs.frozen(kw_only=True)
class IqProfile:
    """H.248 names and choices of the Iq mapping (see the module docstring for status)."""

    #: Property carrying the IP realm of a termination, in TerminationState.
    realm_property: str = "ipdc/realm"
    #: Which side of the call each realm serves. H.248 has no "side": the AGW learns it
    #: from the realm (the IMS-ALG names realms after sides by default).
    realm_sides: tuple[tuple[str, Side], ...] = attrs.field(
        default=(("access", Side.ACCESS), ("core", Side.CORE)), converter=_realm_sides
    )
    #: "Notify termination heartbeat": event and its timer parameter (seconds).
    heartbeat_event: str = "hangterm/thb"
    heartbeat_timer: str = "timerx"
    #: "Notify (D)TLS session establishment Failure Event" and its cause parameter.
    tls_failure_event: str = "tlsbsc/failev"
    tls_failure_cause: str = "cause"
    #: "Establish (D)TLS session" signal.
    tls_establish_signal: str = "tlsbsc/estab"
    #: "Notify Released Bearer" / IP Bearer Released event and its cause parameter.
    bearer_released_event: str = "tcpbcc/relev"
    bearer_released_cause: str = "cause"
    #: LocalControl property asking for "incoming TCP triggers outgoing TCP", and its value;
    #: absent means the AGW initiates TCP where it is client.
    establishment_property: str = "seplink/trig"
    establishment_trigger: str = "ON"
    #: LocalControl property asking for MSRP-aware handling, and its value; absent means
    #: agnostic (TS 23.334 §5.19.2, the default).
    msrp_mode_property: str = "msrpm/mode"
    msrp_mode_aware: str = "aware"
    #: Value of the Local ``a=fingerprint`` line that asks the AGW for its fingerprint;
    #: ``{hash}`` stands for the requested hash function. An AGW also accepts the bare
    #: ``$`` and then uses :attr:`default_fingerprint_hash`.
    fingerprint_request: str = "{hash} $"
    default_fingerprint_hash: str = "sha-256"
    #: SDP proto of the TCP/TLS transport (application-agnostic access leg).
    transport_tcp_tls: str = "TCP/TLS"
    #: Address type written as ``c=IN <type> $`` when the AGW chooses the address.
    choose_address_type: str = "IP4"
    #: RequestID of the Events descriptor the mapping writes and the Notify it expects.
    events_request_id: int = 1
    #: Statistics of a released termination: octets and MSRP messages, in and out.
    octets_in_statistic: str = "nt/or"
    octets_out_statistic: str = "nt/os"
    messages_in_statistic: str = "msrps/mr"
    messages_out_statistic: str = "msrps/ms"
    #: ``a=setup`` roles an AGW accepts in Local; others are refused with 449 (an AGW that
    #: cannot hold a connection leaves ``holdconn`` out).
    local_setups: frozenset[Setup] = frozenset(Setup)

    def side_of(self, realm: str) -> Side | None:
        """The side a realm serves, or ``None`` for a realm the profile does not know."""
        for name, side in self.realm_sides:
            if name == realm:
                return side
        return None

    def proto(self, transport: Transport) -> str:
        """The SDP proto the mapping writes for *transport*."""
        if transport is Transport.TCP_TLS:
            return self.transport_tcp_tls
        return str(transport.value)

    def transport(self, proto: str) -> Transport | None:
        """The transport an SDP proto names (case-insensitively), or ``None``."""
        upper = proto.upper()
        if upper == self.transport_tcp_tls.upper():
            return Transport.TCP_TLS
        for transport in Transport:
            if transport is not Transport.TCP_TLS and transport.value == upper:
                return transport
        return None

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> IqProfile:
        """A profile from a parsed TOML table; keys are field names, all optional.

        ``realm_sides`` maps realm names to ``"access"``/``"core"``; ``local_setups`` is a
        list of ``a=setup`` roles. Raises ``ValueError`` naming an unknown key or value.
        """
        fields = {field.name: field for field in attrs.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in config.items():
            if key not in fields:
                raise ValueError(f"unknown Iq profile key {key!r}")
            if key == "realm_sides":
                if not isinstance(value, Mapping):
                    raise ValueError("realm_sides must be a table of realm = side")
                try:
                    values[key] = {str(realm): Side(side) for realm, side in value.items()}
                except ValueError:
                    raise ValueError(
                        f"realm_sides values must be access or core: {value!r}"
                    ) from None
            elif key == "local_setups":
                try:
                    values[key] = frozenset(Setup(role) for role in value)
                except (TypeError, ValueError):
                    raise ValueError(f"local_setups must list a=setup roles: {value!r}") from None
            elif key == "events_request_id":
                if type(value) is not int or not 0 <= value <= 0xFFFFFFFF:
                    raise ValueError(f"events_request_id must be a UINT32: {value!r}")
                values[key] = value
            elif not isinstance(value, str) or not value:
                raise ValueError(f"Iq profile key {key!r} must be a non-empty string")
            else:
                values[key] = value
        profile = cls(**values)
        if "$" not in profile.fingerprint_request:
            raise ValueError("fingerprint_request must contain $ (and may contain {hash})")
        return profile


#: The profile with every default.
DEFAULT_PROFILE: Final = IqProfile()
