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
    realm (empty: anyone).
    """

    address: str = "127.0.0.1"
    ports: tuple[int, int] | None = None
    allowed_sources: tuple[IPNetwork, ...] = attrs.field(default=(), converter=_networks)

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


def _default_realms() -> dict[str, RealmConfig]:
    return {"access": RealmConfig(), "core": RealmConfig()}


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
    ``count_messages`` counts MSRP frames in agnostic mode too (for statistics).
    """

    realms: Mapping[str, RealmConfig] = attrs.field(factory=_default_realms)
    tls: TLSProfile = attrs.field(factory=TLSProfile)
    handshake_timeout: float = attrs.field(default=10.0, validator=_positive)
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
