"""Configuration of the IMS-AGW: realms, TLS profile, timers and bounds.

Everything the AGW does not learn from the IMS-ALG over Iq is provisioned here, as
frozen attrs values validated on construction. Defaults bind loopback only
(DESIGN.md §5) and let the kernel choose ports, which is what tests want.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Final

import attrs

from imsalg.agw.msrp import DEFAULT_MAX_HEADER_SIZE
from imsalg.agw.tls import TLSProfile

__all__ = ["AGWConfig", "IPNetwork", "RealmConfig"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_MIN_BUFFER: Final = 4096


def _networks(values: object) -> tuple[IPNetwork, ...]:
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise TypeError("allowed_sources takes a sequence of networks")
    return tuple(ipaddress.ip_network(str(value), strict=False) for value in values)


@attrs.frozen(kw_only=True)
class RealmConfig:
    """Where terminations of one IP realm live (``ipdc/realm``, H.248.41).

    ``ports`` is an inclusive range, or ``None`` to let the kernel choose (any port).
    ``allowed_sources`` restricts which peers may connect to a termination of the
    realm (empty: anyone). ``match_peer`` accepts a connection only from the peer
    address negotiated in SDP (the termination's Remote address, when it is an IP
    literal); a connection accepted before that address was known is dropped if it
    turns out to come from elsewhere.
    """

    address: str = "127.0.0.1"
    ports: tuple[int, int] | None = None
    allowed_sources: tuple[IPNetwork, ...] = attrs.field(default=(), converter=_networks)
    match_peer: bool = False

    def __attrs_post_init__(self) -> None:
        ipaddress.ip_address(self.address)  # ValueError for anything but an IP literal
        if self.ports is not None:
            low, high = self.ports
            if not 1 <= low <= high <= 65535:
                raise ValueError(f"realm port range {low}-{high} is not within 1-65535")

    @property
    def ipv6(self) -> bool:
        """The realm address is IPv6."""
        return ipaddress.ip_address(self.address).version == 6

    def admits_peer(self, host: str, negotiated: str | None) -> bool:
        """With ``match_peer``: whether *host* is the *negotiated* peer (unknown: yes)."""
        if not self.match_peer or not negotiated:
            return True
        mine = _ip(host)
        theirs = _ip(negotiated)
        return mine is None or theirs is None or mine == theirs

    def admits(self, host: str) -> bool:
        """Whether a connection from *host* may be accepted."""
        if not self.allowed_sources:
            return True
        try:
            address = ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.allowed_sources)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address (IPv4-mapped IPv6 as IPv4), or None for a host name."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _default_realms() -> dict[str, RealmConfig]:
    # Peer matching: off toward the UE (behind NAT its SDP address is rarely the source
    # the AGW sees, and the TLS fingerprint check authenticates it), on toward the core
    # (no NAT there, and plain TCP has no other check before MSRP session matching).
    return {"access": RealmConfig(), "core": RealmConfig(match_peer=True)}


def _positive(instance: AGWConfig, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive")


def _buffer(instance: AGWConfig, attribute: attrs.Attribute[int], value: int) -> None:
    if value < _MIN_BUFFER:
        raise ValueError(f"{attribute.name} must be at least {_MIN_BUFFER} octets")


@attrs.frozen(kw_only=True)
class AGWConfig:
    """Provisioned parameters of one IMS-AGW.

    ``realms`` maps ``LocalSide.realm`` names to :class:`RealmConfig` (``access`` and
    ``core`` by default). Timers are in seconds: ``handshake_timeout`` runs from the
    moment TCP is up until the fingerprint-checked TLS handshake completes (waiting
    for the remote fingerprint included); ``connect_timeout`` bounds an outgoing TCP
    connection; ``close_timeout`` bounds the flush of a closing connection.
    ``write_buffer_high`` is the per-connection high-water mark at which the other
    leg stops being read; ``max_header_size`` bounds an MSRP header block in aware
    mode. ``cert_pool_size`` certificates are minted ahead of time.
    ``count_messages`` counts MSRP frames in agnostic mode too (for statistics), by
    their framing only (:class:`~imsalg.agw.msrp.FrameCounter`).
    """

    realms: Mapping[str, RealmConfig] = attrs.field(factory=_default_realms)
    tls: TLSProfile = attrs.field(factory=TLSProfile)
    handshake_timeout: float = attrs.field(default=10.0, validator=_positive)
    #: From through-connection (mode no longer inactive) until the termination's bearer
    #: is up (TCP, and TLS where it applies): a UE that never connects is reported.
    establishment_timeout: float = attrs.field(default=30.0, validator=_positive)
    connect_timeout: float = attrs.field(default=5.0, validator=_positive)
    close_timeout: float = attrs.field(default=2.0, validator=_positive)
    cert_pool_size: int = 16
    write_buffer_high: int = attrs.field(default=512 * 1024, validator=_buffer)
    max_header_size: int = attrs.field(default=DEFAULT_MAX_HEADER_SIZE, validator=_buffer)
    count_messages: bool = True
    listen_backlog: int = 16

    def __attrs_post_init__(self) -> None:
        if self.cert_pool_size < 0:
            raise ValueError("cert_pool_size must not be negative")
        if not self.realms:
            raise ValueError("at least one realm is needed")


#: Keys of ``[agw]`` that belong to the AGW (``access``/``core`` are realm tables; the
#: offline AGW's ``seed`` is ignored here).
_AGW_KEYS = {
    "handshake_timeout": float,
    "establishment_timeout": float,
    "connect_timeout": float,
    "close_timeout": float,
    "cert_pool_size": int,
    "write_buffer_high": int,
    "max_header_size": int,
    "count_messages": bool,
    "listen_backlog": int,
}
_REALM_KEYS = {"address", "port_min", "port_max", "allowed_sources", "match_peer"}
_TLS_VERSIONS = {"1.2": "TLSv1.2", "1.3": "TLSv1.3", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}


def config_from_mapping(
    document: Mapping[str, object],
    *,
    access_address: str | None = None,
    core_address: str | None = None,
) -> AGWConfig:
    """An :class:`AGWConfig` from a parsed TOML document (the same file the ALG reads).

    Tables: ``[agw]`` (timers and bounds), ``[agw.access]``/``[agw.core]`` (``address``,
    ``port_min``/``port_max``, ``allowed_sources``, ``match_peer``) and ``[tls]``
    (``min_version``/``max_version`` as ``"1.2"``/``"1.3"``, ``ciphers`` and
    ``ciphersuites`` as lists). Tables of the ALG are ignored; an unknown key of these
    tables raises ``ValueError`` naming it. *access_address*/*core_address* override
    the file (command-line options).
    """
    from imsalg.agw.tls import TLSProfile, TLSVersion

    agw = document.get("agw", {})
    if not isinstance(agw, Mapping):
        raise ValueError("[agw] must be a table")
    values: dict[str, object] = {}
    realms = dict(_default_realms())
    for key, value in agw.items():
        if key in ("access", "core"):
            if not isinstance(value, Mapping):
                raise ValueError(f"[agw.{key}] must be a table")
            unknown = set(value) - _REALM_KEYS
            if unknown:
                raise ValueError(f"unknown key agw.{key}.{sorted(unknown)[0]}")
            base = realms[key]
            low, high = value.get("port_min"), value.get("port_max")
            ports = base.ports
            if low is not None or high is not None:
                if not isinstance(low, int) or not isinstance(high, int):
                    raise ValueError(f"agw.{key}: port_min and port_max go together")
                ports = (low, high)
            realms[key] = RealmConfig(
                address=str(value.get("address", base.address)),
                ports=ports,
                allowed_sources=tuple(value.get("allowed_sources", base.allowed_sources)),
                match_peer=bool(value.get("match_peer", base.match_peer)),
            )
        elif key == "seed":
            continue
        elif key in _AGW_KEYS:
            kind = _AGW_KEYS[key]
            if kind is bool and not isinstance(value, bool):
                raise ValueError(f"agw.{key} must be true or false")
            if kind is not bool and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ValueError(f"agw.{key} must be a number")
            values[key] = kind(value)
        else:
            raise ValueError(f"unknown key agw.{key}")
    for key, address in (("access", access_address), ("core", core_address)):
        if address is not None:
            realms[key] = attrs.evolve(realms[key], address=address)
    values["realms"] = realms

    tls = document.get("tls", {})
    if not isinstance(tls, Mapping):
        raise ValueError("[tls] must be a table")
    profile: dict[str, object] = {}
    for key, value in tls.items():
        if key == "fingerprint_hash":
            continue  # the ALG's choice of hash (imsalg.alg.config)
        if key in ("min_version", "max_version"):
            if str(value) not in _TLS_VERSIONS:
                raise ValueError(f"tls.{key} must be 1.2 or 1.3, not {value!r}")
            profile[key] = TLSVersion(_TLS_VERSIONS[str(value)])
        elif key in ("ciphers", "ciphersuites"):
            items = value.split(":") if isinstance(value, str) else list(value)
            profile[key] = tuple(str(item) for item in items if item)
        else:
            raise ValueError(f"unknown key tls.{key}")
    if profile:
        values["tls"] = TLSProfile(**profile)  # type: ignore[arg-type]
    return AGWConfig(**values)  # type: ignore[arg-type]
