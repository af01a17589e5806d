"""Finding the IMS-AGW: an IP literal, or a domain name through DNS SRV, else A/AAAA.

TS 29.334 §5.11: the controller's peer is provisioned by name or found by DNS SRV, and
a sender retries on alternative addresses. :func:`locate` turns a destination into the
ordered list of ``(IP, port)`` to try; the client walks it in order.

Rules kept here
- ``192.0.2.2``, ``192.0.2.2:2944``, ``[2001:db8::2]``, ``[2001:db8::2]:2944``: used as
  given (port 2944 when absent); no DNS.
- ``name:port``: an explicit port means no SRV lookup, only A then AAAA records.
- ``name``: SRV records ``_<service>._<udp|tcp>.<name>`` (RFC 2782). The service label is
  the IANA service name of port 2944, ``megaco-h248`` (RFC 6335 registry: "Megaco H-248",
  2944/tcp, 2944/udp, 2944/sctp); H.248.1 names none, so it is a parameter (a deployment
  that publishes ``_megaco._udp`` passes ``service="megaco"``). Records are ordered by
  priority, then by RFC 2782's weighted random selection (:func:`order_srv`, with an
  injectable ``random.Random``); each target's A then AAAA addresses follow in that order.
  No SRV record (NXDOMAIN or no data) → A then AAAA of the name, port 2944. A single SRV
  record with target ``.`` means "decidedly not available" (RFC 2782): nothing is tried.
- Nothing found, or the DNS does not answer → :class:`GatewayUnreachable` (SIP 503).
"""

from __future__ import annotations

import ipaddress
import logging
import random
from collections.abc import Sequence
from typing import Literal

import attrs
import dns.asyncresolver
import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver

from imsalg.transport._driver import Address
from imsalg.transport.errors import GatewayUnreachable

__all__ = [
    "DEFAULT_PORT",
    "SERVICE",
    "SRVRecord",
    "Transport",
    "locate",
    "make_resolver",
    "order_srv",
    "parse_destination",
    "srv_name",
]

logger = logging.getLogger("imsalg.transport.locate")

#: H.248 text port (IANA ``megaco-h248``).
DEFAULT_PORT = 2944
#: The IANA service name registered for port 2944 (RFC 6335 registry).
SERVICE = "megaco-h248"

Transport = Literal["udp", "tcp"]


@attrs.frozen(kw_only=True)
class SRVRecord:
    """One SRV record (RFC 2782): ``priority weight port target``."""

    priority: int
    weight: int
    port: int
    target: str


def order_srv(records: Sequence[SRVRecord], rng: random.Random) -> list[SRVRecord]:
    """Records in the order to try them (RFC 2782 "Usage rules").

    Lowest priority first. Within one priority, repeatedly: put the remaining records in
    a list with those of weight 0 first, draw ``r`` uniformly in ``0..sum of weights``
    (inclusive), take the first record whose running weight sum is ``>= r``. The list
    starts sorted (weight 0 first, then by target and port), so the result depends only
    on the records and *rng*, not on the order the DNS server returned them in.
    """
    ordered: list[SRVRecord] = []
    for priority in sorted({record.priority for record in records}):
        remaining = sorted(
            (r for r in records if r.priority == priority),
            key=lambda r: (r.weight != 0, r.target, r.port, r.weight),
        )
        while remaining:
            pick = rng.randint(0, sum(record.weight for record in remaining))
            running = 0
            for index, record in enumerate(remaining):
                running += record.weight
                if running >= pick:
                    ordered.append(remaining.pop(index))
                    break
    return ordered


def parse_destination(destination: str) -> tuple[str, int | None, bool]:
    """``(host, port or None, host is an IP literal)`` of a destination string.

    IP literals come back in their canonical text form (``2001:db8::2``), the form asyncio
    reports peers in, so addresses compare equal whichever way they were written.
    """
    text = destination.strip()
    if not text:
        raise ValueError("empty destination")
    port: int | None = None
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"malformed destination {destination!r}")
        if rest:
            port = _port(rest[1:], destination)
        return str(ipaddress.IPv6Address(host)), port, True
    if text.count(":") > 1:  # a bare IPv6 literal
        return str(ipaddress.IPv6Address(text)), None, True
    host, colon, port_text = text.partition(":")
    if colon:
        port = _port(port_text, destination)
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        dns.name.from_text(host)  # raises for a name that cannot be a DNS name
        return host.rstrip("."), port, False
    return host, port, True


def _port(text: str, destination: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 0xFFFF:
        raise ValueError(f"bad port in destination {destination!r}")
    return int(text)


def srv_name(domain: str, transport: Transport, service: str = SERVICE) -> str:
    """``_<service>._<transport>.<domain>`` (RFC 2782)."""
    return f"_{service}._{transport}.{domain.rstrip('.')}."


def make_resolver(
    nameservers: Sequence[str], *, port: int = 53, lifetime: float = 2.0
) -> dns.asyncresolver.Resolver:
    """An asynchronous resolver that asks exactly *nameservers* (no /etc/resolv.conf)."""
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = list(nameservers)
    resolver.port = port
    resolver.lifetime = lifetime
    return resolver


async def locate(
    destination: str,
    *,
    transport: Transport = "udp",
    resolver: dns.asyncresolver.Resolver | None = None,
    rng: random.Random | None = None,
    service: str = SERVICE,
) -> list[Address]:
    """The ordered ``(IP, port)`` list to try for *destination* (module docstring rules)."""
    host, port, literal = parse_destination(destination)
    if literal:
        return [(host, port if port is not None else DEFAULT_PORT)]
    if resolver is None:
        resolver = dns.asyncresolver.Resolver()
    if port is not None:
        return await _addresses_or_fail(resolver, host, port)
    records = await _srv(resolver, srv_name(host, transport, service))
    if records is None:
        return await _addresses_or_fail(resolver, host, DEFAULT_PORT)
    if len(records) == 1 and records[0].target == ".":
        raise GatewayUnreachable(f"{host}: the DNS says the H.248 service is not available")
    found: list[Address] = []
    for record in order_srv(records, rng if rng is not None else random.Random()):
        if record.target == ".":
            continue
        for address in await _addresses(resolver, record.target, record.port):
            if address not in found:
                found.append(address)
    if not found:
        raise GatewayUnreachable(f"{host}: no address for any SRV target")
    return found


async def _srv(resolver: dns.asyncresolver.Resolver, name: str) -> list[SRVRecord] | None:
    """The SRV records at *name*, or ``None`` when there are none."""
    try:
        answer = await resolver.resolve(name, "SRV")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    except dns.exception.DNSException as exc:
        raise GatewayUnreachable(f"SRV lookup of {name} failed: {exc}") from exc
    return [
        SRVRecord(
            priority=rdata.priority,
            weight=rdata.weight,
            port=rdata.port,
            target=rdata.target.to_text(omit_final_dot=True) or ".",
        )
        for rdata in answer
    ]


async def _addresses(
    resolver: dns.asyncresolver.Resolver, name: str, port: int
) -> list[Address]:
    """A then AAAA addresses of *name* with *port*; a failing lookup gives none."""
    found: list[Address] = []
    for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        try:
            answer = await resolver.resolve(name, rdtype)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            continue
        except dns.exception.DNSException as exc:
            logger.warning("%s lookup of %s failed: %s", rdtype.name, name, exc)
            continue
        found.extend((rdata.address, port) for rdata in answer)
    return found


async def _addresses_or_fail(
    resolver: dns.asyncresolver.Resolver, name: str, port: int
) -> list[Address]:
    found = await _addresses(resolver, name, port)
    if not found:
        raise GatewayUnreachable(f"{name}: no A or AAAA record")
    return found
