"""A classic pcap writer for tests: Ethernet/IPv4/UDP frames built with ``struct``.

Enough to hand H.248 text to tshark without capture rights (PEERS.md): every datagram gets
a correct IPv4 header checksum and UDP checksum (RFC 768 over the pseudo-header), so tshark
raises no checksum expert info and decodes the payload by port (2944 = MEGACO text).
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable
from pathlib import Path

__all__ = ["internet_checksum", "udp_frame", "write_pcap"]

_PCAP_MAGIC = 0xA1B2C3D4
_LINKTYPE_ETHERNET = 1
_ETHERTYPE_IPV4 = 0x0800
_PROTO_UDP = 17


def internet_checksum(data: bytes) -> int:
    """RFC 1071 one's-complement sum of 16-bit words."""
    if len(data) % 2:
        data += b"\x00"
    total = sum(int(word) for word in struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frame(
    payload: bytes,
    *,
    src: str = "192.0.2.1",
    dst: str = "192.0.2.2",
    sport: int = 2944,
    dport: int = 2944,
    ident: int = 1,
) -> bytes:
    """One Ethernet II frame carrying *payload* in IPv4/UDP."""
    source = ipaddress.IPv4Address(src).packed
    destination = ipaddress.IPv4Address(dst).packed
    udp_length = 8 + len(payload)
    pseudo = source + destination + struct.pack("!BBH", 0, _PROTO_UDP, udp_length)
    header = struct.pack("!HHHH", sport, dport, udp_length, 0)
    checksum = internet_checksum(pseudo + header + payload) or 0xFFFF
    udp = struct.pack("!HHHH", sport, dport, udp_length, checksum) + payload
    total_length = 20 + len(udp)
    ip_header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        total_length,
        ident & 0xFFFF,
        0,
        64,
        _PROTO_UDP,
        0,
        source,
        destination,
    )
    ip_header = ip_header[:10] + struct.pack("!H", internet_checksum(ip_header)) + ip_header[12:]
    ethernet = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
    ethernet += struct.pack("!H", _ETHERTYPE_IPV4)
    return ethernet + ip_header + udp


def write_pcap(path: Path, frames: Iterable[bytes]) -> None:
    """Write *frames* as a classic (microsecond) pcap file, one second apart."""
    out = [struct.pack("<IHHiIII", _PCAP_MAGIC, 2, 4, 0, 0, 65535, _LINKTYPE_ETHERNET)]
    for number, frame in enumerate(frames):
        out.append(struct.pack("<IIII", 1_700_000_000 + number, 0, len(frame), len(frame)))
        out.append(frame)
    path.write_bytes(b"".join(out))
