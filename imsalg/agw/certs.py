"""Certificates for TLS media streams: EC P-256, self-signed, minted at run time.

RFC 8122 / RFC 4975 §14.4: a self-signed certificate is enough when its fingerprint
travels in integrity-protected SDP. The AGW mints one per media stream
(:func:`mint_certificate`), or takes one minted ahead of time from a
:class:`CertificatePool` so that a Reserve does not wait for key generation; a pooled
certificate is handed out once and belongs to one stream only (TR 29.828 CR-10:
"uniquely associate its own certificate with the media stream").
:func:`mint_deterministic_certificate` derives key and
signature from a seed (RFC 6979 ECDSA): the offline backend uses it so golden files
and repeated CLI runs show the same fingerprint. Such a key is public knowledge by
construction and must never protect real traffic; the live AGW never uses it.
No private key is ever written to the repository or logged.
"""

from __future__ import annotations

import collections
import datetime
import hashlib

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from imsalg.sdp.fingerprint import Fingerprint

__all__ = [
    "CertificatePool",
    "StreamCertificate",
    "mint_certificate",
    "mint_deterministic_certificate",
]

_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_EPOCH = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)


@attrs.frozen(repr=False)
class StreamCertificate:
    """A certificate and its private key; ``repr`` never shows the key."""

    der: bytes
    key: ec.EllipticCurvePrivateKey

    def fingerprint(self, hash_name: str = "sha-256") -> Fingerprint:
        """The RFC 8122 fingerprint of the certificate."""
        return Fingerprint.of_certificate(self.der, hash_name)

    @property
    def certificate(self) -> x509.Certificate:
        """The parsed certificate."""
        return x509.load_der_x509_certificate(self.der)

    def key_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (for handing to OpenSSL in memory)."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def cert_pem(self) -> bytes:
        """The certificate as PEM."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def __repr__(self) -> str:
        return f"StreamCertificate({self.fingerprint()})"


def _build(
    key: ec.EllipticCurvePrivateKey,
    common_name: str,
    serial: int,
    not_before: datetime.datetime,
    days: int,
    deterministic: bool,
) -> StreamCertificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_before + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    cert = builder.sign(key, hashes.SHA256(), ecdsa_deterministic=deterministic or None)
    return StreamCertificate(cert.public_bytes(serialization.Encoding.DER), key)


def mint_certificate(
    common_name: str = "imsalg-agw", *, now: datetime.datetime | None = None, days: int = 30
) -> StreamCertificate:
    """A fresh EC P-256 self-signed certificate with a random key."""
    start = (now or datetime.datetime.now(datetime.timezone.utc)) - datetime.timedelta(hours=1)
    return _build(
        ec.generate_private_key(ec.SECP256R1()),
        common_name,
        x509.random_serial_number(),
        start,
        days,
        deterministic=False,
    )


def mint_deterministic_certificate(
    seed: str, common_name: str = "imsalg-offline"
) -> StreamCertificate:
    """The same EC P-256 certificate for the same *seed*, every time (offline use only)."""
    digest = hashlib.sha256(b"imsalg offline certificate\0" + seed.encode()).digest()
    scalar = int.from_bytes(digest, "big") % (_P256_ORDER - 1) + 1
    key = ec.derive_private_key(scalar, ec.SECP256R1())
    serial = int.from_bytes(hashlib.sha256(b"serial\0" + seed.encode()).digest()[:16], "big") >> 1
    return _build(key, common_name, serial or 1, _EPOCH, 3650, deterministic=True)


class CertificatePool:
    """Certificates minted ahead of time; each one is taken once, never reused.

    :meth:`take` falls back to minting when the pool is empty; :meth:`fill` tops it up
    (the AGW calls it in small steps from its event loop).
    """

    def __init__(self, size: int = 0, *, common_name: str = "imsalg-agw") -> None:
        if size < 0:
            raise ValueError("pool size must not be negative")
        self.size = size
        self.common_name = common_name
        self._ready: collections.deque[StreamCertificate] = collections.deque()

    def __len__(self) -> int:
        return len(self._ready)

    def fill(self, limit: int | None = None) -> int:
        """Mint up to *limit* certificates (all missing ones when ``None``); return how many."""
        missing = self.size - len(self._ready)
        count = missing if limit is None else min(missing, limit)
        for _ in range(max(count, 0)):
            self._ready.append(mint_certificate(self.common_name))
        return max(count, 0)

    def take(self) -> StreamCertificate:
        """A certificate nobody else has been given."""
        if self._ready:
            return self._ready.popleft()
        return mint_certificate(self.common_name)

    def clear(self) -> None:
        """Forget the minted certificates (and their keys)."""
        self._ready.clear()
