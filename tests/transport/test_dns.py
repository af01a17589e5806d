"""Location and failover against real DNS servers started by each test: dnsmasq (an
independent program, PEERS.md) and, as a second check, a zone served with dnspython."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

import dns.asyncresolver
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.resolver
import dns.rrset
import dns.zone
import pytest

from imsalg.transport import (
    Address,
    GatewayUnreachable,
    H248Client,
    H248Server,
    SRVRecord,
    locate,
    make_resolver,
    order_srv,
)
from tests.peers import require_peer
from tests.transport.helpers import (
    ACTIONS,
    AGW_MID,
    ALG_MID,
    FAST,
    CountingHandler,
    SilentUDP,
    asynctest,
)

START_TIMEOUT = 5.0


def _free_port() -> int | None:
    """A port free for UDP and TCP on 127.0.0.1 right now (the kernel picks it), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        port: int = udp.getsockname()[1]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        try:
            tcp.bind(("127.0.0.1", port))
        except OSError:
            return None
    return port


def _answers(port: int) -> bool:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port
    resolver.lifetime = 0.3
    try:
        resolver.resolve("ready.test", "A")
    except dns.exception.DNSException:
        return False
    return True


@contextlib.contextmanager
def dnsmasq(lines: Sequence[str]) -> Iterator[dns.asyncresolver.Resolver]:
    """Run dnsmasq with *lines* (srv-host=, host-record=…) on a free port; yields a resolver.

    The process is killed and reaped when the block ends, whatever happens.
    """
    program = require_peer("dnsmasq")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp, "dnsmasq.conf")
        config.write_text(
            "\n".join(
                [
                    "no-resolv",
                    "no-hosts",
                    "bind-interfaces",
                    "listen-address=127.0.0.1",
                    "user=root",
                    f"pid-file={tmp}/dnsmasq.pid",
                    "local=/test/",
                    "local-ttl=60",
                    "host-record=ready.test,127.0.0.1",
                    *lines,
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        for _attempt in range(5):
            port = _free_port()
            if port is None:
                continue
            process = subprocess.Popen(
                [program, "--keep-in-foreground", f"--conf-file={config}", f"--port={port}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                deadline = time.monotonic() + START_TIMEOUT
                while process.poll() is None and not _answers(port):
                    if time.monotonic() > deadline:
                        raise AssertionError("dnsmasq did not answer in time")
                    time.sleep(0.05)
                if process.poll() is None:
                    yield make_resolver(["127.0.0.1"], port=port, lifetime=2.0)
                    return
            finally:
                if process.poll() is None:
                    process.kill()
                process.wait(timeout=10)
                if process.stderr is not None:
                    error = process.stderr.read().decode(errors="replace")
                    process.stderr.close()
            if "in use" not in error:
                raise AssertionError(f"dnsmasq failed to start: {error}")
        raise AssertionError("no free port for dnsmasq after 5 attempts")


AGW_RECORDS = [
    "srv-host=_megaco-h248._udp.agw.test,agw-a.test,3001,10,60",
    "srv-host=_megaco-h248._udp.agw.test,agw-b.test,3002,10,20",
    "srv-host=_megaco-h248._udp.agw.test,agw-c.test,3003,20,0",
    "srv-host=_megaco-h248._udp.agw.test,agw-z.test,3000,5,0",
    "host-record=agw-a.test,127.0.0.1",
    "host-record=agw-b.test,127.0.0.2,2001:db8::2",
    "host-record=agw-c.test,127.0.0.3",
    "host-record=agw-z.test,127.0.0.4",
    "host-record=plain.test,127.0.0.9,2001:db8::9",
    "srv-host=_megaco-h248._udp.down.test",
    "srv-host=_megaco._udp.legacy.test,agw-a.test,3005,1,1",
    "srv-host=_megaco-h248._tcp.agw.test,agw-c.test,3010,1,1",
]
ADDRESSES = {
    "agw-a.test": [("127.0.0.1", 3001)],
    "agw-b.test": [("127.0.0.2", 3002), ("2001:db8::2", 3002)],
    "agw-c.test": [("127.0.0.3", 3003)],
    "agw-z.test": [("127.0.0.4", 3000)],
}
SRV = [
    SRVRecord(priority=10, weight=60, port=3001, target="agw-a.test"),
    SRVRecord(priority=10, weight=20, port=3002, target="agw-b.test"),
    SRVRecord(priority=20, weight=0, port=3003, target="agw-c.test"),
    SRVRecord(priority=5, weight=0, port=3000, target="agw-z.test"),
]


def expected_order(seed: int) -> list[Address]:
    return [a for r in order_srv(SRV, random.Random(seed)) for a in ADDRESSES[r.target]]


@pytest.mark.peers
@asynctest
async def test_srv_priority_and_weight_order_from_dnsmasq() -> None:
    with dnsmasq(AGW_RECORDS) as resolver:
        firsts: dict[Address, int] = {}
        for seed in range(40):
            found = await locate("agw.test", resolver=resolver, rng=random.Random(seed))
            assert found == expected_order(seed)
            assert found[0] == ("127.0.0.4", 3000)  # priority 5
            assert found[-1] == ("127.0.0.3", 3003)  # priority 20
            firsts[found[1]] = firsts.get(found[1], 0) + 1
        # Between weights 60 and 20, the heavier one leads most of the time.
        assert firsts[("127.0.0.1", 3001)] > firsts[("127.0.0.2", 3002)] > 0


@pytest.mark.peers
@asynctest
async def test_transport_and_service_name_select_the_records() -> None:
    with dnsmasq(AGW_RECORDS) as resolver:
        assert await locate("agw.test", transport="tcp", resolver=resolver) == [
            ("127.0.0.3", 3010)
        ]
        assert await locate("legacy.test", resolver=resolver, service="megaco") == [
            ("127.0.0.1", 3005)
        ]
        # Under the IANA name legacy.test has no SRV record: A/AAAA of the name itself.
        with pytest.raises(GatewayUnreachable, match="no A or AAAA"):
            await locate("legacy.test", resolver=resolver)


@pytest.mark.peers
@asynctest
async def test_without_srv_the_a_and_aaaa_records_at_port_2944() -> None:
    with dnsmasq(AGW_RECORDS) as resolver:
        assert await locate("plain.test", resolver=resolver) == [
            ("127.0.0.9", 2944),
            ("2001:db8::9", 2944),
        ]
        # An explicit port skips SRV even where SRV records exist.
        assert await locate("agw-b.test:2950", resolver=resolver) == [
            ("127.0.0.2", 2950),
            ("2001:db8::2", 2950),
        ]
        # agw.test has SRV records but no address of its own: with a port, that is all.
        with pytest.raises(GatewayUnreachable, match=r"agw\.test: no A or AAAA"):
            await locate("agw.test:2950", resolver=resolver)


@pytest.mark.peers
@asynctest
async def test_unknown_names_and_withdrawn_service_are_503() -> None:
    with dnsmasq(AGW_RECORDS) as resolver:
        with pytest.raises(GatewayUnreachable, match="no A or AAAA") as unknown:
            await locate("nothing.test", resolver=resolver)
        assert unknown.value.sip_status == 503
        with pytest.raises(GatewayUnreachable, match="not available"):
            await locate("down.test", resolver=resolver)


@pytest.mark.peers
@asynctest
async def test_failover_from_a_silent_srv_target_to_the_next_one() -> None:
    silent = SilentUDP()
    handler = CountingHandler()
    try:
        async with await H248Server.start(handler, mid=AGW_MID, port=0, timers=FAST) as agw:
            live = agw.addresses["udp"]
            records = [
                f"srv-host=_megaco-h248._udp.fail.test,dead.test,{silent.address[1]},10,0",
                f"srv-host=_megaco-h248._udp.fail.test,live.test,{live[1]},20,0",
                "host-record=dead.test,127.0.0.1",
                "host-record=live.test,127.0.0.1",
            ]
            with dnsmasq(records) as resolver:
                async with await H248Client.create(
                    "fail.test", mid=ALG_MID, resolver=resolver, timers=FAST
                ) as alg:
                    assert alg.targets == [silent.address, live]
                    reply = await alg.request(ACTIONS)
                    assert alg.targets[0] == live
        assert silent.received(), "the first SRV target was tried first"
        assert handler.executions() == {reply.transaction_id: 1}
    finally:
        silent.close()


@pytest.mark.peers
@asynctest
async def test_failover_over_tcp_from_a_refused_srv_target() -> None:
    handler = CountingHandler()
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        refused = closed_port.getsockname()[1]
        async with await H248Server.start(
            handler, mid=AGW_MID, port=0, transports=("tcp",), timers=FAST
        ) as agw:
            live = agw.addresses["tcp"]
            records = [
                f"srv-host=_megaco-h248._tcp.fail.test,dead.test,{refused},10,0",
                f"srv-host=_megaco-h248._tcp.fail.test,live.test,{live[1]},20,0",
                "host-record=dead.test,127.0.0.1",
                "host-record=live.test,127.0.0.1",
            ]
            with dnsmasq(records) as resolver:
                async with await H248Client.create(
                    "fail.test", mid=ALG_MID, transport="tcp", resolver=resolver, timers=FAST
                ) as alg:
                    assert alg.targets == [("127.0.0.1", refused), live]
                    reply = await alg.request(ACTIONS)
    assert handler.executions() == {reply.transaction_id: 1}


# -- a second, independent server: a zone served by dnspython ------------------------------

ZONE = """
$ORIGIN example.test.
$TTL 60
@           SOA ns hostmaster 1 3600 600 86400 60
@           NS  ns
ns          A   127.0.0.1
_megaco-h248._udp.agw  SRV 1 10 2944 gw1
_megaco-h248._udp.agw  SRV 1 30 2944 gw2
_megaco-h248._udp.agw  SRV 2 0  2950 gw3
gw1         A    192.0.2.11
gw2         A    192.0.2.12
gw2         AAAA 2001:db8::12
gw3         A    192.0.2.13
"""


class _ZoneServer(asyncio.DatagramProtocol):
    """Answers UDP queries from one zone (authoritative; NXDOMAIN / NODATA as due)."""

    def __init__(self, zone: dns.zone.Zone) -> None:
        self.zone = zone
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        node = self.zone.get_node(question.name)
        if node is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        else:
            rdataset = node.get_rdataset(self.zone.rdclass, question.rdtype)
            if rdataset is not None:
                response.answer.append(
                    dns.rrset.from_rdata_list(question.name, rdataset.ttl, list(rdataset))
                )
        if self.transport is not None:
            self.transport.sendto(response.to_wire(), addr)


@asynctest
async def test_the_same_rules_against_a_dnspython_zone() -> None:
    zone = dns.zone.from_text(ZONE, relativize=False)
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _ZoneServer(zone), local_addr=("127.0.0.1", 0)
    )
    try:
        port = transport.get_extra_info("sockname")[1]
        resolver = make_resolver(["127.0.0.1"], port=port, lifetime=2.0)
        records = [
            SRVRecord(priority=1, weight=10, port=2944, target="gw1.example.test"),
            SRVRecord(priority=1, weight=30, port=2944, target="gw2.example.test"),
            SRVRecord(priority=2, weight=0, port=2950, target="gw3.example.test"),
        ]
        addresses = {
            "gw1.example.test": [("192.0.2.11", 2944)],
            "gw2.example.test": [("192.0.2.12", 2944), ("2001:db8::12", 2944)],
            "gw3.example.test": [("192.0.2.13", 2950)],
        }
        for seed in range(10):
            found = await locate("agw.example.test", resolver=resolver, rng=random.Random(seed))
            expected = [
                a for r in order_srv(records, random.Random(seed)) for a in addresses[r.target]
            ]
            assert found == expected
        # No SRV record at gw2 itself: its A then AAAA record, port 2944.
        assert await locate("gw2.example.test", resolver=resolver) == [
            ("192.0.2.12", 2944),
            ("2001:db8::12", 2944),
        ]
        with pytest.raises(GatewayUnreachable):
            await locate("missing.example.test", resolver=resolver)
    finally:
        transport.close()
