"""RFC 8122 ``a=fingerprint``: parse, format, compute, compare.

    fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
    hash-func             = "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512"
                            / "md5" / "md2" / token
    fingerprint           = 2UHEX *(":" 2UHEX)

Hash names compare case-insensitively and are kept in lower case; hex compares
case-insensitively and is written in upper case. RFC 8122 §5 forbids MD2 and MD5: such
lines parse (so they can be reported precisely) but are never *usable*. The digest is
over the DER encoding of the leaf certificate. A certificate is accepted when any
usable fingerprint matches it (several lines may stand for several certificates).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Final

import attrs

from imsalg._fast import builder_class

__all__ = [
    "FORBIDDEN_HASHES",
    "SUPPORTED_HASHES",
    "Fingerprint",
    "certificate_matches",
    "usable_fingerprints",
]

#: RFC 8122 hash names this library can compute, mapped to hashlib names, strongest last.
SUPPORTED_HASHES: Final[dict[str, str]] = {
    "sha-1": "sha1",
    "sha-224": "sha224",
    "sha-256": "sha256",
    "sha-384": "sha384",
    "sha-512": "sha512",
}
#: RFC 8122 §5: "MD2 and MD5 MUST NOT be used".
FORBIDDEN_HASHES: Final = frozenset({"md2", "md5"})
#: Digest length in octets for every hash name whose length is known (MD2/MD5: 16).
_DIGEST_SIZES: Final[dict[str, int]] = {
    **{name: hashlib.new(algorithm).digest_size for name, algorithm in SUPPORTED_HASHES.items()},
    **dict.fromkeys(FORBIDDEN_HASHES, 16),
}

_HASH_TOKEN_RE: Final = re.compile(r"[!#$%&'*+\-.0-9A-Za-z^_`{|}~]+")


def _digest_of(hexes: str) -> bytes | None:
    """The octets of ``2UHEX *(":" 2UHEX)`` (either case), or ``None`` for other text.

    Checked without a regex (a third of the time): a colon at every third position,
    and ``bytes.fromhex`` on the rest with the colons as spaces, which it skips only
    between octets. A colon anywhere else splits an octet (``fromhex`` refuses it) or
    leaves fewer octets than the layout implies. *hexes* has no whitespace of its own
    (it is one of the value's whitespace-separated parts).
    """
    octets = (len(hexes) + 1) // 3
    if len(hexes) % 3 != 2 or hexes[2::3] != ":" * (octets - 1):
        return None
    try:
        digest = bytes.fromhex(hexes.replace(":", " "))
    except ValueError:
        return None
    return digest if len(digest) == octets else None


def _lower(text: str) -> str:
    return text.lower()


@attrs.frozen
class Fingerprint:
    """One certificate fingerprint: a hash name and the digest bytes."""

    hash_name: str = attrs.field(converter=_lower)
    digest: bytes

    @classmethod
    def parse(cls, value: str | None) -> Fingerprint:
        """Parse the value of an ``a=fingerprint`` line (``ValueError`` when malformed)."""
        parts = (value or "").strip().split()
        if len(parts) != 2:
            raise ValueError(f"fingerprint {value!r} is not '<hash-func> <HEX:HEX...>'")
        name, hexes = parts
        if not _HASH_TOKEN_RE.fullmatch(name):
            raise ValueError(f"bad hash function name {name!r}")
        digest = _digest_of(hexes)
        if digest is None:
            raise ValueError(f"bad fingerprint hex {hexes[:40]!r}")
        hash_name = name.lower()
        expected = _DIGEST_SIZES.get(hash_name)
        if expected is not None and len(digest) != expected:
            raise ValueError(f"{name} fingerprint has {len(digest)} octets, expected {expected}")
        if cls is not Fingerprint:
            return cls(hash_name, digest)
        return _new_fingerprint(hash_name, digest)

    @classmethod
    def of_certificate(cls, der: bytes, hash_name: str = "sha-256") -> Fingerprint:
        """Fingerprint of a DER certificate with one of :data:`SUPPORTED_HASHES`."""
        name = hash_name.lower()
        if name not in SUPPORTED_HASHES:
            raise ValueError(f"cannot compute a {hash_name} fingerprint")
        return cls(name, hashlib.new(SUPPORTED_HASHES[name], der).digest())

    @property
    def hex(self) -> str:
        """Upper-case hex pairs joined by colons."""
        return self.digest.hex(":").upper()

    @property
    def usable(self) -> bool:
        """A hash we can compute and that RFC 8122 allows."""
        return self.hash_name in SUPPORTED_HASHES

    @property
    def forbidden(self) -> bool:
        """MD2 or MD5 (RFC 8122 §5)."""
        return self.hash_name in FORBIDDEN_HASHES

    @property
    def expected_length(self) -> int | None:
        """Digest length in octets for a known hash, else ``None``."""
        return _DIGEST_SIZES.get(self.hash_name)

    def matches(self, der: bytes) -> bool:
        """Whether this fingerprint is the digest of the DER certificate *der*."""
        if not self.usable:
            return False
        return hashlib.new(SUPPORTED_HASHES[self.hash_name], der).digest() == self.digest

    def format(self) -> str:
        """The value of an ``a=fingerprint`` line: ``sha-256 AB:CD:...``."""
        return f"{self.hash_name} {self.hex}"

    def __str__(self) -> str:
        return self.format()


_BuildFingerprint = builder_class(Fingerprint)


def _new_fingerprint(hash_name: str, digest: bytes) -> Fingerprint:
    """``Fingerprint(hash_name, digest)`` for a *hash_name* already in lower case (what
    the converter would make it), built fast (see :mod:`imsalg._fast`)."""
    self = _BuildFingerprint()
    self.hash_name = hash_name
    self.digest = digest
    self.__class__ = Fingerprint
    return self  # type: ignore[no-any-return]


def usable_fingerprints(fingerprints: Iterable[Fingerprint]) -> tuple[Fingerprint, ...]:
    """The fingerprints with an allowed, computable hash, in their order."""
    return tuple(fp for fp in fingerprints if fp.usable)


def certificate_matches(fingerprints: Iterable[Fingerprint], der: bytes) -> bool:
    """RFC 8122 §5: accept the leaf certificate *der* if any usable fingerprint matches."""
    return any(fp.matches(der) for fp in fingerprints)
