"""Location rules without a DNS server: RFC 2782 ordering, destination syntax, a DNS that
does not answer."""

from __future__ import annotations

import random

import pytest

from imsalg.transport import GatewayUnreachable, SRVRecord, locate, make_resolver, order_srv
from imsalg.transport.locate import parse_destination, srv_name
from tests.transport.helpers import SilentUDP, asynctest


def srv(priority: int, weight: int, target: str, port: int = 2944) -> SRVRecord:
    return SRVRecord(priority=priority, weight=weight, port=port, target=target)


def test_lower_priority_always_comes_first() -> None:
    records = [srv(20, 100, "c"), srv(10, 1, "b"), srv(30, 0, "d"), srv(10, 1, "a")]
    for seed in range(50):
        ordered = order_srv(records, random.Random(seed))
        assert [r.priority for r in ordered] == [10, 10, 20, 30]
        assert sorted(r.target for r in ordered[:2]) == ["a", "b"]


def test_weights_set_the_odds_of_coming_first() -> None:
    # RFC 2782: weight 60 against 20 is picked first with probability 60/80.
    heavy, light = srv(10, 60, "heavy"), srv(10, 20, "light")
    rng = random.Random(2782)
    draws = 20000
    first_heavy = sum(order_srv([light, heavy], rng)[0] == heavy for _ in range(draws))
    assert first_heavy / draws == pytest.approx(0.75, abs=0.015)


def test_a_weight_zero_record_has_a_small_chance() -> None:
    # It stands first in the list; it is picked when the draw is 0: 1 in (10 + 1).
    zero, ten = srv(10, 0, "zero"), srv(10, 10, "ten")
    rng = random.Random(1)
    draws = 22000
    zero_first = sum(order_srv([ten, zero], rng)[0] == zero for _ in range(draws))
    assert zero_first / draws == pytest.approx(1 / 11, abs=0.01)


def test_the_order_the_dns_returned_does_not_matter() -> None:
    records = [srv(10, 30, "a"), srv(10, 30, "b"), srv(10, 0, "z"), srv(20, 5, "c")]
    for seed in range(30):
        expected = order_srv(records, random.Random(seed))
        shuffled = list(records)
        random.Random(seed + 1000).shuffle(shuffled)
        assert order_srv(shuffled, random.Random(seed)) == expected
        assert sorted(expected, key=lambda r: r.target) == sorted(records, key=lambda r: r.target)


@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        ("192.0.2.2", ("192.0.2.2", None, True)),
        ("192.0.2.2:2950", ("192.0.2.2", 2950, True)),
        ("[2001:db8::2]", ("2001:db8::2", None, True)),
        ("[2001:db8::2]:2950", ("2001:db8::2", 2950, True)),
        ("2001:db8::2", ("2001:db8::2", None, True)),
        ("[2001:DB8:0::2]:1", ("2001:db8::2", 1, True)),
        ("agw.example.net", ("agw.example.net", None, False)),
        ("agw.example.net.", ("agw.example.net", None, False)),
        ("agw.example.net:2950", ("agw.example.net", 2950, False)),
        (" agw ", ("agw", None, False)),
    ],
)
def test_destinations(destination: str, expected: tuple[str, int | None, bool]) -> None:
    assert parse_destination(destination) == expected


@pytest.mark.parametrize(
    "destination",
    ["", "[2001:db8::2", "[2001:db8::2]x", "[192.0.2.1]", "agw:0", "agw:65536", "agw:http",
     "2001:db8::zz"],
)
def test_bad_destinations(destination: str) -> None:
    with pytest.raises(ValueError):
        parse_destination(destination)


def test_srv_name() -> None:
    assert srv_name("agw.example.net", "udp") == "_megaco-h248._udp.agw.example.net."
    assert srv_name("agw.example.net.", "tcp", "megaco") == "_megaco._tcp.agw.example.net."


@asynctest
async def test_an_ip_literal_needs_no_dns() -> None:
    silent = SilentUDP()
    try:
        resolver = make_resolver([silent.address[0]], port=silent.address[1], lifetime=0.2)
        assert await locate("192.0.2.7", resolver=resolver) == [("192.0.2.7", 2944)]
        assert await locate("[::1]:3000", resolver=resolver) == [("::1", 3000)]
        assert silent.received() == []
    finally:
        silent.close()


@asynctest
async def test_a_dns_that_does_not_answer_is_a_503() -> None:
    silent = SilentUDP()
    try:
        resolver = make_resolver([silent.address[0]], port=silent.address[1], lifetime=0.3)
        with pytest.raises(GatewayUnreachable, match="SRV lookup") as caught:
            await locate("agw.example.net", resolver=resolver)
        assert caught.value.sip_status == 503
        with pytest.raises(GatewayUnreachable, match="no A or AAAA"):
            await locate("agw.example.net:2944", resolver=resolver)
        assert silent.received(), "the queries went to the configured server"
    finally:
        silent.close()


def test_make_resolver_uses_only_what_it_is_given() -> None:
    resolver = make_resolver(["127.0.0.1"], port=5300, lifetime=1.5)
    assert [str(ns) for ns in resolver.nameservers] == ["127.0.0.1"]
    assert (resolver.port, resolver.lifetime) == (5300, 1.5)
