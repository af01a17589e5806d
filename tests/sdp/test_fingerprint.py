"""RFC 8122 ``a=fingerprint``: parsing, formatting, usability and certificate matching.

Certificates are minted at test time (no committed keys); expected digests are
computed here with hashlib, independently of the code under test.
"""

from __future__ import annotations

import contextlib
import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsalg.agw.certs import StreamCertificate, mint_certificate
from imsalg.sdp.fingerprint import (
    FORBIDDEN_HASHES,
    SUPPORTED_HASHES,
    Fingerprint,
    certificate_matches,
    usable_fingerprints,
)

SHA256_HEX = ":".join(f"{n:02X}" for n in range(32))


@pytest.fixture(scope="module")
def certificate() -> StreamCertificate:
    return mint_certificate("imsalg-test")


@pytest.fixture(scope="module")
def other_certificate() -> StreamCertificate:
    return mint_certificate("imsalg-test-other")


def test_parse_and_format() -> None:
    fp = Fingerprint.parse(f"sha-256 {SHA256_HEX}")
    assert fp.hash_name == "sha-256"
    assert fp.digest == bytes(range(32))
    assert fp.format() == f"sha-256 {SHA256_HEX}"
    assert str(fp) == fp.format()


def test_hash_names_are_case_insensitive_and_kept_lower_case() -> None:
    upper = Fingerprint.parse(f"SHA-256 {SHA256_HEX}")
    assert upper.hash_name == "sha-256"
    assert upper == Fingerprint.parse(f"sha-256 {SHA256_HEX}")
    assert Fingerprint("Sha-1", bytes(20)).hash_name == "sha-1"


def test_hex_compares_case_insensitively_and_is_written_upper_case() -> None:
    lower = Fingerprint.parse(f"sha-256 {SHA256_HEX.lower()}")
    assert lower == Fingerprint.parse(f"sha-256 {SHA256_HEX}")
    assert lower.hex == SHA256_HEX
    assert lower.format() == f"sha-256 {SHA256_HEX}"


def test_extra_spaces_around_the_value_are_tolerated() -> None:
    assert Fingerprint.parse(f"  sha-256   {SHA256_HEX} ").digest == bytes(range(32))


@pytest.mark.parametrize(
    ("name", "octets"),
    [("sha-1", 20), ("sha-224", 28), ("sha-256", 32), ("sha-384", 48), ("sha-512", 64)],
)
def test_wrong_digest_length_is_refused(name: str, octets: int) -> None:
    good = ":".join(["AB"] * octets)
    assert len(Fingerprint.parse(f"{name} {good}").digest) == octets
    for wrong in (octets - 1, octets + 1):
        with pytest.raises(ValueError, match=f"expected {octets}"):
            Fingerprint.parse(f"{name} " + ":".join(["AB"] * wrong))


@pytest.mark.parametrize("name", ["md5", "MD2"])
def test_md2_and_md5_parse_but_are_never_usable(name: str, certificate: StreamCertificate) -> None:
    digest = hashlib.md5(certificate.der).digest()  # the point: it is refused
    fp = Fingerprint.parse(f"{name} " + ":".join(f"{b:02X}" for b in digest))
    assert fp.forbidden
    assert not fp.usable
    assert fp.expected_length == 16
    assert not fp.matches(certificate.der)  # even the right MD5 digest never matches
    assert usable_fingerprints([fp]) == ()
    assert not certificate_matches([fp], certificate.der)
    with pytest.raises(ValueError, match="expected 16"):
        Fingerprint.parse(f"{name} " + ":".join(["AB"] * 20))


def test_unknown_hash_tokens_parse_but_are_not_usable() -> None:
    fp = Fingerprint.parse("sha3-256 " + ":".join(["AB"] * 7))
    assert fp.hash_name == "sha3-256"
    assert fp.expected_length is None
    assert not fp.usable
    assert not fp.forbidden


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "sha-256",
        SHA256_HEX,
        f"sha-256 {SHA256_HEX} extra",
        "sha-256 ABCD",  # pairs must be separated by colons
        "sha-256 A:BC",
        "sha-256 AB:",
        "sha-256 :AB",
        "sha-256 AB::CD",
        "sha-256 GG:00",
        "sha(256) AB",
    ],
)
def test_malformed_fingerprints_are_refused(text: str | None) -> None:
    with pytest.raises(ValueError):
        Fingerprint.parse(text)


@pytest.mark.parametrize("name", sorted(SUPPORTED_HASHES))
def test_of_certificate_matches_hashlib(name: str, certificate: StreamCertificate) -> None:
    fp = Fingerprint.of_certificate(certificate.der, name.upper())
    expected = hashlib.new(name.replace("-", ""), certificate.der).digest()
    assert fp.hash_name == name
    assert fp.digest == expected
    assert fp.usable
    assert fp.matches(certificate.der)


def test_of_certificate_refuses_what_it_cannot_compute(certificate: StreamCertificate) -> None:
    for name in (*sorted(FORBIDDEN_HASHES), "sha3-256"):
        with pytest.raises(ValueError, match="cannot compute"):
            Fingerprint.of_certificate(certificate.der, name)


def test_certificate_matches_a_real_der(
    certificate: StreamCertificate, other_certificate: StreamCertificate
) -> None:
    der = certificate.der
    sha256 = hashlib.sha256(der).hexdigest().upper()
    sdp_value = "sha-256 " + ":".join(sha256[i : i + 2] for i in range(0, len(sha256), 2))
    fp = Fingerprint.parse(sdp_value.lower())  # as a sloppy peer might send it
    assert certificate_matches([fp], der)
    assert not certificate_matches([fp], other_certificate.der)
    assert not certificate_matches([], der)


def test_any_usable_fingerprint_may_match(
    certificate: StreamCertificate, other_certificate: StreamCertificate
) -> None:
    # RFC 8122 §5: several lines may stand for several certificates or hashes.
    mine = Fingerprint.of_certificate(certificate.der, "sha-1")
    theirs = Fingerprint.of_certificate(other_certificate.der, "sha-256")
    md5 = Fingerprint("md5", hashlib.md5(certificate.der).digest())
    assert certificate_matches([theirs, mine], certificate.der)
    assert certificate_matches([theirs, mine], other_certificate.der)
    assert not certificate_matches([theirs, md5], certificate.der)
    assert usable_fingerprints([md5, theirs, mine]) == (theirs, mine)


def test_a_truncated_digest_never_matches(certificate: StreamCertificate) -> None:
    digest = hashlib.sha256(certificate.der).digest()
    assert not Fingerprint("sha-256", digest[:-1]).matches(certificate.der)
    assert not Fingerprint("sha-256", digest[:-1] + bytes([digest[-1] ^ 1])).matches(
        certificate.der
    )


@given(
    st.sampled_from(sorted(SUPPORTED_HASHES)).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.binary(
                min_size=hashlib.new(SUPPORTED_HASHES[name]).digest_size,
                max_size=hashlib.new(SUPPORTED_HASHES[name]).digest_size,
            ),
            st.booleans(),
        )
    )
)
def test_format_then_parse_is_the_identity(case: tuple[str, bytes, bool]) -> None:
    name, digest, lower = case
    text = (
        name.upper()
        + " "
        + ":".join(f"{octet:02x}" if lower else f"{octet:02X}" for octet in digest)
    )
    fp = Fingerprint.parse(text)
    assert fp == Fingerprint(name, digest)
    assert fp.format() == name + " " + ":".join(f"{octet:02X}" for octet in digest)
    assert Fingerprint.parse(fp.format()) == fp


#: RFC 8122 ``fingerprint = 2UHEX *(":" 2UHEX)``, either case: the oracle for the
#: regex-free check in :meth:`Fingerprint.parse`.
_HEX_GRAMMAR = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*")


@settings(max_examples=3000)
@given(
    st.lists(
        st.sampled_from(["A", "b", "0", "9", ":", "g", "é", "::", "AB", "0f:"]), max_size=12
    ).map("".join)
)
def test_fingerprint_hex_is_read_exactly_as_the_grammar_says(hexes: str) -> None:
    fingerprint: Fingerprint | None = None
    with contextlib.suppress(ValueError):
        fingerprint = Fingerprint.parse("x-unknown-hash " + hexes)
    if _HEX_GRAMMAR.fullmatch(hexes) is None:
        assert fingerprint is None
    else:
        assert fingerprint is not None
        assert fingerprint.digest == bytes.fromhex(hexes.replace(":", ""))
