"""TLS for the access leg: pyOpenSSL on a memory BIO, peer pinned by SDP fingerprint.

This module owns the TLS profile (versions and cipher suites, CR-9), the shared
OpenSSL context built from it (an AGW builds a second one as the spare below), and
:class:`TLSSession`, a socket-less TLS endpoint
the relay drives with bytes (aiortc ``rtcdtlstransport.py`` style). Why pyOpenSSL:
stdlib ``ssl`` as a server either never asks for the client certificate or rejects a
self-signed one (PITFALLS §3.4); only a verify callback can pin it by fingerprint.

Rules kept:

- RFC 8122 §6 / RFC 4975 §14.4: the peer certificate is required in both roles (server:
  ``VERIFY_PEER | VERIFY_FAIL_IF_NO_PEER_CERT``); it is accepted only if the DER of the
  **leaf** (depth 0) matches one of the remote fingerprints with a usable hash; chain
  certificates are ignored (rtpengine#1771), as are CA errors such as "self-signed".
  Mismatch or no certificate aborts the handshake with an alert (TR 29.828 CR-8).
- A session is authenticated only by its own handshake: session caching and tickets
  are off, so no resumption can skip the fingerprint check of a later stream, and
  renegotiation is refused.
- TLS 1.2 minimum by default, 1.3 allowed; 3GPP default suites (TS 33.310 profile,
  SPEC.md §5): ECDHE with AES-GCM for 1.2, the standard AEAD suites for 1.3.
- ``close_notify`` is answered and reported; an alert from the peer is a failure.
- Private keys go to OpenSSL in memory and never appear in logs or reprs.

Speed: application data bypasses pyOpenSSL's per-call wrappers, which allocate a fresh
buffer for every ``recv``/``bio_read`` and copy it once more into ``bytes``. The session
calls ``SSL_read``/``SSL_write``/``BIO_read``/``BIO_write`` through pyOpenSSL's own cffi
bindings (``OpenSSL._util``; pyOpenSSL's errors are raised exactly as its public methods
raise them), reading into a scratch buffer of the calling thread and copying out once.
Large transient allocations were the main cost: glibc returned the heap top to the
kernel after each 256 KiB round and took page faults to get it back. Wire bytes are
read in place through a read-only BIO (no copy, no input buffer that grows: see
``_Wire``); plaintext goes through SSL_write in pieces (``_PIECE``), since the outgoing
memory BIO never shrinks and one large write would stay allocated for good.
The verify callback is a raw cffi callback on the same bindings (the leaf's digest
from ``X509_digest``), not pyOpenSSL's wrapper, which builds an X509 object for each of
its two calls per handshake. An established session moves to a spare certless context
so that OpenSSL lets go of the stream certificate and key (~7 KiB per idle session).
The outgoing memory BIO keeps the largest buffer it ever held (the handshake flights:
~1 KiB per idle session; a 32 KiB piece: ~43 KiB): once drained after such output, an
established session swaps it for an empty one (``_OUT_KEEP``).
Where those internals are missing (a future pyOpenSSL), the public methods are used.
"""

from __future__ import annotations

import enum
import hashlib
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Final

import attrs
from cryptography.hazmat.primitives import serialization
from OpenSSL import SSL, crypto

from imsalg.agw.certs import StreamCertificate
from imsalg.errors import RelayError
from imsalg.sdp.fingerprint import SUPPORTED_HASHES, Fingerprint, usable_fingerprints

__all__ = [
    "DEFAULT_TLS12_CIPHERS",
    "DEFAULT_TLS13_CIPHERSUITES",
    "TLSCredentials",
    "TLSFailure",
    "TLSProfile",
    "TLSSession",
    "TLSVersion",
    "build_context",
]

#: TLS 1.2 suites of the 3GPP profile (ECDHE + AES-GCM), OpenSSL names.
DEFAULT_TLS12_CIPHERS: Final = (
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES256-GCM-SHA384",
)
#: TLS 1.3 standard suites (RFC 8446 §9.1 and §B.4).
DEFAULT_TLS13_CIPHERSUITES: Final = (
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
)

_RECORD: Final = 16384  # RFC 8446 §5.1: maximum plaintext per record
_OP_NO_RENEGOTIATION: Final = getattr(SSL, "OP_NO_RENEGOTIATION", 0)
# OpenSSL ssl.h: SSL_MODE_ENABLE_PARTIAL_WRITE (pyOpenSSL sets it, exports no constant).
_MODE_ENABLE_PARTIAL_WRITE: Final = 0x00000001
#: Plaintext octets per SSL_write (and wire octets per bio_write on the public path).
#: A memory BIO keeps the largest size it ever grew to: a session that once sent 1 MiB
#: at a time would hold it for good. With 32 KiB pieces a session keeps ~79 KiB after
#: 1 MiB each way (16 KiB: ~58 KiB, 64 KiB: ~101 KiB), for ~0.03 CPU-s/GiB more than
#: 1 MiB at once.
_PIECE: Final = 32 * 1024
#: Scratch buffer per thread for SSL_read/BIO_read: a 1 MiB read of the relay (plus a
#: pending record, or the records' overhead) fits at once; more is read in rounds.
#: Pages are touched only as far as used.
_SCRATCH: Final = 1088 * 1024
#: Octets one drain of the outgoing memory BIO may take out before the BIO is replaced
#: (it keeps ~4/3 of its largest content allocated for good): small MSRP messages reuse
#: its buffer, a handshake flight or a large write leaves an empty BIO behind.
_OUT_KEEP: Final = 1024


def _bindings() -> tuple[Any, Any] | None:
    """pyOpenSSL's cffi ``(ffi, lib)`` when the internals the fast path uses exist."""
    try:
        from OpenSSL._util import ffi, lib
    except ImportError:
        return None
    needed = (
        "SSL_read",
        "SSL_write",
        "SSL_get_error",
        "SSL_set_SSL_CTX",
        "SSL_do_handshake",
        "SSL_version",
        "SSL_use_certificate",
        "SSL_use_PrivateKey",
        "BIO_read",
        "BIO_write",
        "BIO_should_retry",
        "BIO_new_mem_buf",
        "BIO_set_mem_eof_return",
        "SSL_set_bio",
        "BIO_new",
        "BIO_s_mem",
        "SSL_CTX_set_verify",
        "SSL_get_ex_data_X509_STORE_CTX_idx",
        "X509_STORE_CTX_get_current_cert",
        "X509_STORE_CTX_get_error_depth",
        "X509_STORE_CTX_get_ex_data",
        "X509_STORE_CTX_set_error",
        "X509_digest",
        "EVP_get_digestbyname",
    )
    methods = ("_raise_ssl_error", "_handle_bio_errors", "_reverse_mapping")
    if not all(hasattr(lib, name) for name in needed) or not all(
        hasattr(SSL.Connection, name) for name in methods
    ):
        return None
    return ffi, lib


_BINDINGS: Final = _bindings()
#: The fast path is on (tests turn it off to check the public-method fallback).
_DIRECT = _BINDINGS is not None


class _Scratch(threading.local):
    """Where OpenSSL writes what is then copied out as ``bytes`` (one per thread: cffi
    calls release the GIL)."""

    def __init__(self) -> None:
        self.pointer: Any = None
        self.buffer: Any = None
        if _BINDINGS is not None:
            ffi = _BINDINGS[0]
            self.pointer = ffi.new("char[]", _SCRATCH)
            self.buffer = ffi.buffer(self.pointer)  # slicing it copies out as bytes


_scratch = _Scratch()


class TLSVersion(str, enum.Enum):
    """Protocol versions a profile may allow."""

    TLS1_2 = "TLSv1.2"
    TLS1_3 = "TLSv1.3"

    @property
    def openssl(self) -> int:
        """The OpenSSL version constant."""
        return SSL.TLS1_2_VERSION if self is TLSVersion.TLS1_2 else SSL.TLS1_3_VERSION


@attrs.frozen(kw_only=True)
class TLSProfile:
    """Locally provisioned TLS profile parameters (TR 29.828 CR-9)."""

    min_version: TLSVersion = TLSVersion.TLS1_2
    max_version: TLSVersion = TLSVersion.TLS1_3
    ciphers: tuple[str, ...] = DEFAULT_TLS12_CIPHERS
    ciphersuites: tuple[str, ...] = DEFAULT_TLS13_CIPHERSUITES

    def __attrs_post_init__(self) -> None:
        order = list(TLSVersion)
        if order.index(self.min_version) > order.index(self.max_version):
            raise ValueError("TLS profile: min_version is above max_version")
        if self.min_version is TLSVersion.TLS1_2 and not self.ciphers:
            raise ValueError("TLS profile allows TLS 1.2 but lists no TLS 1.2 cipher")
        if self.max_version is TLSVersion.TLS1_3 and not self.ciphersuites:
            raise ValueError("TLS profile allows TLS 1.3 but lists no TLS 1.3 suite")


class TLSFailure(RelayError):
    """A TLS session failed; ``cause`` is the token reported to the IMS-ALG.

    ``setup`` tells a failed session set-up (handshake, or the peer's verdict on our
    certificate) from the loss of an established session.
    """

    def __init__(self, cause: str, detail: str = "", *, setup: bool = True) -> None:
        super().__init__(f"{cause}: {detail}" if detail else cause)
        self.cause = cause
        self.setup = setup


class _Check(enum.Enum):
    NOT_RUN = "not-run"
    MATCH = "match"
    MISMATCH = "fingerprint-mismatch"
    UNUSABLE = "no-usable-fingerprint"


def _verify_leaf(
    connection: SSL.Connection, certificate: crypto.X509, errno: int, depth: int, ok: int
) -> bool:
    """OpenSSL verify callback: decide on the leaf only, by fingerprint (RFC 8122 §5)."""
    session = connection.get_app_data()
    if not isinstance(session, TLSSession):
        return False
    if depth > 0:
        return True  # only the leaf is pinned; a chain above it is neither needed nor trusted
    der = crypto.dump_certificate(crypto.FILETYPE_ASN1, certificate)
    return session._check_leaf(lambda name: hashlib.new(name, der).digest())


def _verify_leaf_raw(ok: int, store: Any) -> int:
    """:func:`_verify_leaf` as a raw OpenSSL callback (the fast path).

    pyOpenSSL's wrapper builds an X509 object and looks the connection up for every
    call (twice per handshake); here the leaf's digest comes from ``X509_digest``. Any
    error rejects the certificate.
    """
    try:
        ffi, lib = _BINDINGS  # type: ignore[misc]
        if lib.X509_STORE_CTX_get_error_depth(store) > 0:
            accept = True  # only the leaf is pinned; a chain above it is not trusted
        else:
            ssl = lib.X509_STORE_CTX_get_ex_data(store, lib.SSL_get_ex_data_X509_STORE_CTX_idx())
            session = SSL.Connection._reverse_mapping[ssl].get_app_data()  # type: ignore[attr-defined]
            if not isinstance(session, TLSSession):
                return 0
            if session._check is not _Check.NOT_RUN:
                accept = session._check is _Check.MATCH  # asked again: the first answer
            else:
                leaf = lib.X509_STORE_CTX_get_current_cert(store)

                def digest(name: str) -> bytes:
                    md = lib.EVP_get_digestbyname(name.encode("ascii"))
                    out = ffi.new("unsigned char[]", 64)  # EVP_MAX_MD_SIZE
                    size = ffi.new("unsigned int *")
                    if md == ffi.NULL or lib.X509_digest(leaf, md, out, size) != 1:
                        raise ValueError(f"no {name} digest")
                    return bytes(ffi.buffer(out, size[0]))

                accept = session._check_leaf(digest)
        if not accept:
            return 0
        lib.X509_STORE_CTX_set_error(store, lib.X509_V_OK)
        return 1
    except Exception:  # an exception must not escape into OpenSSL: reject
        return 0


_VERIFY_MODE: Final = SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT
#: The raw callback, kept alive for the process (OpenSSL holds only its address).
_VERIFY_RAW: Final = (
    _BINDINGS[0].callback("int (*)(int, X509_STORE_CTX *)", _verify_leaf_raw)
    if _BINDINGS is not None
    else None
)


def build_context(profile: TLSProfile) -> SSL.Context:
    """The shared OpenSSL context for every access-leg session of an AGW."""
    context = SSL.Context(SSL.TLS_METHOD)
    context.set_min_proto_version(profile.min_version.openssl)
    context.set_max_proto_version(profile.max_version.openssl)
    if profile.ciphers:
        context.set_cipher_list(":".join(profile.ciphers).encode("ascii"))
    if profile.ciphersuites:
        context.set_tls13_ciphersuites(":".join(profile.ciphersuites).encode("ascii"))
    context.set_options(
        SSL.OP_NO_COMPRESSION
        | SSL.OP_NO_TICKET
        | SSL.OP_CIPHER_SERVER_PREFERENCE
        | _OP_NO_RENEGOTIATION
    )
    # No resumption: every session proves its certificate against this stream's fingerprints.
    context.set_session_cache_mode(SSL.SESS_CACHE_OFF)
    context.set_mode(SSL.MODE_RELEASE_BUFFERS)
    # A memory BIO never blocks: one SSL_write takes a whole buffer, record by record
    # inside OpenSSL, instead of one Python round trip per 16 KiB record.
    context.clear_mode(_MODE_ENABLE_PARTIAL_WRITE)
    if _DIRECT and _VERIFY_RAW is not None:
        _BINDINGS[1].SSL_CTX_set_verify(context._context, _VERIFY_MODE, _VERIFY_RAW)  # type: ignore[index]
    else:
        context.set_verify(_VERIFY_MODE, _verify_leaf)
    return context


class TLSCredentials:
    """A stream certificate and its key, made ready in OpenSSL form for handshakes.

    The OpenSSL objects cost ~7 KiB per termination: :meth:`release` drops them once
    a handshake no longer needs them (a session in progress keeps its own references;
    see ``spare`` in :class:`TLSSession`), and the next use makes them again from the
    DER kept here. The key stays in memory only and never appears in a repr.
    """

    __slots__ = ("_key_der", "_openssl", "der")

    def __init__(self, der: bytes, key_der: bytes) -> None:
        self.der = der
        self._key_der = key_der  # PKCS#8 DER
        self._openssl: tuple[crypto.X509, crypto.PKey] | None = None

    @classmethod
    def of(cls, stream_certificate: StreamCertificate) -> TLSCredentials:
        """Convert a :class:`StreamCertificate`, ready for a handshake."""
        key_der = stream_certificate.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        credentials = cls(stream_certificate.der, key_der)
        credentials._objects()  # converted now, not during the handshake
        return credentials

    def _objects(self) -> tuple[crypto.X509, crypto.PKey]:
        objects = self._openssl
        if objects is None:
            objects = self._openssl = (
                crypto.load_certificate(crypto.FILETYPE_ASN1, self.der),
                crypto.load_privatekey(crypto.FILETYPE_ASN1, self._key_der),
            )
        return objects

    @property
    def certificate(self) -> crypto.X509:
        """The certificate in pyOpenSSL form."""
        return self._objects()[0]

    @property
    def key(self) -> crypto.PKey:
        """The private key in pyOpenSSL form."""
        return self._objects()[1]

    def release(self) -> None:
        """Drop the OpenSSL objects (made again if another handshake needs them)."""
        self._openssl = None

    def pem(self) -> bytes:
        """The certificate (public part) as PEM."""
        return crypto.dump_certificate(
            crypto.FILETYPE_PEM, crypto.load_certificate(crypto.FILETYPE_ASN1, self.der)
        )

    def fingerprint(self, hash_name: str = "sha-256") -> Fingerprint:
        """RFC 8122 fingerprint of the certificate with *hash_name*."""
        return Fingerprint.of_certificate(self.der, hash_name)

    def __repr__(self) -> str:
        return f"TLSCredentials({self.fingerprint()})"


class TLSSession:
    """One TLS endpoint over memory BIOs. The caller moves the bytes.

    - :meth:`receive` takes wire bytes and returns plaintext; after it, check
      :attr:`established` and :attr:`peer_closed`, and send :meth:`data_to_send`.
    - :meth:`send` takes plaintext and returns wire bytes.
    - :meth:`close` returns ``close_notify``; :meth:`flush` whatever is left (alerts).

    Handshake failures raise :class:`TLSFailure` with the cause token
    (``fingerprint-mismatch``, ``no-usable-fingerprint``, ``no-certificate``,
    ``peer-alert``, ``handshake-failed``); the alert OpenSSL chose is then waiting in
    :meth:`flush`. After a TLS 1.3 server handshake the session tickets wait for the
    next :meth:`send` (or :meth:`close`) instead of costing a write of their own.

    *spare*, a context built like *context* (:func:`build_context`), is where an
    established session moves: OpenSSL then drops its references to the stream
    certificate and key, which no later message of the session needs (renegotiation is
    off, post-handshake authentication never requested). With the credentials'
    :meth:`~TLSCredentials.release` that frees ~7 KiB per idle session.
    """

    __slots__ = (
        "_check",
        "_connection",
        "_deferred",
        "_fingerprints",
        "_heard",
        "_out_grown",
        "_spare",
        "established",
        "peer_closed",
        "server",
    )

    def __init__(
        self,
        context: SSL.Context,
        credentials: TLSCredentials,
        fingerprints: Sequence[Fingerprint],
        *,
        server: bool,
        spare: SSL.Context | None = None,
    ) -> None:
        connection = SSL.Connection(context, None)
        _use_credentials(connection, credentials)
        connection.set_app_data(self)
        if server:
            connection.set_accept_state()
        else:
            connection.set_connect_state()
        self._connection = connection
        self._fingerprints = tuple(fingerprints)
        self._check = _Check.NOT_RUN
        self._heard = False  # application data received from the peer
        self._deferred = False  # post-handshake output waits for the next write
        self._out_grown = True  # the outgoing BIO will hold the handshake flights
        self._spare = spare
        self.server = server
        self.established = False
        self.peer_closed = False

    # -- handshake --------------------------------------------------------------------

    def _check_leaf(self, digest: Callable[[str], bytes]) -> bool:
        """Judge the leaf once; *digest* gives its digest for a hashlib name."""
        if self._check is not _Check.NOT_RUN:
            # OpenSSL asks again for the same leaf (once per error, once at the end);
            # renegotiation is off, so the first answer stands.
            return self._check is _Check.MATCH
        usable = usable_fingerprints(self._fingerprints)
        if not usable:
            self._check = _Check.UNUSABLE  # e.g. md5 only: RFC 8122 §5 forbids it
            return False
        # RFC 8122 §5: accept the leaf if any usable fingerprint is its digest.
        if any(digest(SUPPORTED_HASHES[fp.hash_name]) == fp.digest for fp in usable):
            self._check = _Check.MATCH
            return True
        self._check = _Check.MISMATCH
        return False

    def start(self) -> None:
        """Begin the handshake (the client's first flight goes to :meth:`data_to_send`)."""
        self._handshake()

    def _handshake(self) -> None:
        connection = self._connection
        try:
            if _DIRECT:
                lib = _BINDINGS[1]  # type: ignore[index]
                ssl = connection._ssl
                result = lib.SSL_do_handshake(ssl)
                if result != 1:
                    if lib.SSL_get_error(ssl, result) == lib.SSL_ERROR_WANT_READ:
                        return
                    connection._raise_ssl_error(ssl, result)  # raises the error
                    return
            else:
                connection.do_handshake()
        except SSL.WantReadError:
            return
        except SSL.Error as error:
            raise self._failure(error) from None
        if self._check is not _Check.MATCH:
            # No verify callback on the leaf: never relay for an unchecked peer.
            raise TLSFailure("no-certificate", "peer certificate was not checked")
        self.established = True
        spare = self._spare
        if spare is not None and _DIRECT:
            self._spare = None
            lib = _BINDINGS[1]  # type: ignore[index]
            # The SSL's certificate slots become a copy of the spare context's (empty).
            lib.SSL_set_SSL_CTX(self._connection._ssl, spare._context)
        # RFC 8446 §4.6.1: a TLS 1.3 server may send NewSessionTicket at any time after
        # the handshake (ours are useless: no resumption). They ride with the next
        # write instead of costing a send of their own.
        if _DIRECT:
            lib = _BINDINGS[1]  # type: ignore[index]
            tls13 = lib.SSL_version(connection._ssl) == lib.TLS1_3_VERSION
        else:
            tls13 = self.version == "TLSv1.3"
        self._deferred = self.server and tls13

    def _failure(self, error: SSL.Error) -> TLSFailure:
        detail = _reason(error)
        if self._check in (_Check.MISMATCH, _Check.UNUSABLE):
            return TLSFailure(self._check.value, detail)
        lowered = detail.lower()
        if "did not return a certificate" in lowered or "certificate required" in lowered:
            return TLSFailure("no-certificate", detail)
        if "alert" in lowered:
            return TLSFailure("peer-alert", detail)
        return TLSFailure("handshake-failed", detail)

    # -- data -------------------------------------------------------------------------

    def receive(self, data: bytes | bytearray | memoryview) -> bytes:
        """Feed wire bytes (read, not kept); return the plaintext they complete."""
        connection = self._connection
        wire = _Wire(connection, data)
        wire.feed()
        if not self.established:
            self._handshake()
            while not self.established and wire.feed():
                self._handshake()
            if not self.established:
                return b""
        try:
            plaintext, closed = _read_plaintext(connection, wire)
        except SSL.Error as error:
            detail = _reason(error)
            if not self.server and not self._heard and "alert" in detail.lower():
                # RFC 8446 §4.4.2: a TLS 1.3 server judges the client certificate after
                # the client finished; its alert, before any data, is a set-up failure.
                raise TLSFailure("peer-alert", detail) from None
            raise TLSFailure("tls-error", detail, setup=False) from None
        if closed:
            self.peer_closed = True  # RFC 8446 §6.1: close_notify received
        if plaintext:
            self._heard = True
        return plaintext

    def send(self, data: bytes | bytearray | memoryview) -> bytes:
        """Encrypt *data* (read, not kept); return the records to write."""
        self._deferred = False
        return self._drained(_encrypt(self._connection, data))

    def data_to_send(self) -> bytes:
        """Wire bytes OpenSSL produced on its own (handshake flights, alerts) that must
        go now; deferred post-handshake messages stay for the next :meth:`send`."""
        if self._deferred:
            return b""
        return self._drained(_drain(self._connection))

    def flush(self) -> bytes:
        """Everything OpenSSL has produced, deferred output included (e.g. an alert)."""
        self._deferred = False
        return self._drained(_drain(self._connection))

    def _drained(self, out: bytes) -> bytes:
        """*out* has just emptied the outgoing BIO: on an established session, swap the
        BIO for an empty one if it held more than ``_OUT_KEEP`` octets since the last
        swap (a memory BIO never gives back the buffer of its largest content)."""
        if len(out) > _OUT_KEEP:
            self._out_grown = True
        if self._out_grown and self.established and _DIRECT:
            self._out_grown = False
            _renew_output(self._connection)
        return out

    def close(self) -> bytes:
        """Send ``close_notify`` (once); return the bytes to write."""
        try:
            self._connection.shutdown()
        except SSL.Error:
            return b""
        return self.flush()

    def release(self) -> None:
        """Break the session/connection reference cycle."""
        self._connection.set_app_data(None)

    # -- introspection ----------------------------------------------------------------

    @property
    def version(self) -> str:
        """Negotiated protocol version (``TLSv1.3``...)."""
        return self._connection.get_protocol_version_name()

    @property
    def cipher(self) -> str | None:
        """Negotiated cipher suite (OpenSSL name)."""
        return self._connection.get_cipher_name()


def _use_credentials(connection: SSL.Connection, credentials: TLSCredentials) -> None:
    """The stream certificate and key for this connection only (the context is shared)."""
    if _DIRECT:
        lib = _BINDINGS[1]  # type: ignore[index]
        # pyOpenSSL >= 24.3 deprecates X509/PKey arguments, and silencing the warning
        # costs more than the call; converting cryptography objects would cost ~60 µs.
        ssl = connection._ssl
        if (
            lib.SSL_use_certificate(ssl, credentials.certificate._x509) == 1  # type: ignore[attr-defined]
            and lib.SSL_use_PrivateKey(ssl, credentials.key._pkey) == 1  # type: ignore[attr-defined]
        ):
            return
        raise TLSFailure("handshake-failed", "the stream certificate was refused")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        connection.use_certificate(credentials.certificate)
        connection.use_privatekey(credentials.key)


class _Wire:
    """Wire bytes on their way into OpenSSL.

    Fast path: the whole of *data* at once, read in place: a read-only memory BIO over
    it replaces the connection's input BIO for this call. OpenSSL reads records
    straight from the relay's read buffer (no copy into a BIO), and no input buffer
    grows: the read-only BIO owns no memory. It is never read after the call: when
    SSL_read or the handshake asks for more, all of it has been taken in (without
    read-ahead OpenSSL keeps a partial record in its own record buffer), and after a
    failure the session is not read again.

    Public path: pieces through ``bio_write`` into the ordinary memory BIO, which never
    shrinks, so that one large read does not stay allocated for good.
    """

    __slots__ = ("connection", "data", "pinned", "pos", "size")

    def __init__(self, connection: SSL.Connection, data: bytes | bytearray | memoryview) -> None:
        self.connection = connection
        self.data = data
        self.pinned: object = None  # the cffi view OpenSSL reads through (fast path)
        self.pos = 0
        self.size = len(data)

    def feed(self) -> bool:
        """Hand the next wire bytes to OpenSSL; ``False`` when there were none left."""
        pos, size = self.pos, self.size
        if pos >= size:
            return False
        connection = self.connection
        if not _DIRECT:
            end = self.pos = min(size, pos + _PIECE)
            connection.bio_write(bytes(self.data[pos:end]))
            return True
        self.pos = size
        ffi, lib = _BINDINGS  # type: ignore[misc]
        pointer = ffi.from_buffer(self.data)
        bio = lib.BIO_new_mem_buf(pointer, size)
        if bio == ffi.NULL:
            raise MemoryError("BIO_new_mem_buf")
        lib.BIO_set_mem_eof_return(bio, -1)  # drained: "want read", not end of stream
        # The connection's write BIO stays: OpenSSL frees only the previous read BIO.
        lib.SSL_set_bio(connection._ssl, bio, connection._from_ssl)
        connection._into_ssl = bio  # type: ignore[attr-defined]
        self.pinned = pointer
        return True


def _read_plaintext(connection: SSL.Connection, wire: _Wire) -> tuple[bytes, bool]:
    """All plaintext OpenSSL can decrypt from what it holds and the rest of *wire*, and
    whether close_notify came after it. Other errors are raised as pyOpenSSL's ``recv``
    raises them."""
    chunks: list[bytes] = []
    if not _DIRECT:
        closed = False
        try:
            while True:
                try:
                    chunks.append(connection.recv(_RECORD))
                except SSL.WantReadError:
                    if not wire.feed():
                        raise
        except SSL.WantReadError:
            pass
        except SSL.ZeroReturnError:
            closed = True
        return b"".join(chunks), closed
    lib = _BINDINGS[1]  # type: ignore[index]
    scratch = _scratch
    pointer, buffer = scratch.pointer, scratch.buffer
    ssl = connection._ssl
    read = lib.SSL_read
    want_read = lib.SSL_ERROR_WANT_READ
    filled = 0
    # One SSL_read per record: OpenSSL returns at most one record's plaintext.
    while True:
        got = read(ssl, pointer + filled, _SCRATCH - filled)
        if got > 0:
            filled += got
            if filled == _SCRATCH:
                chunks.append(buffer[:filled])
                filled = 0
            continue
        error = lib.SSL_get_error(ssl, got)
        if error != want_read or not wire.feed():
            break
    if filled:
        chunks.append(buffer[:filled])
    plaintext = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if error == want_read:
        return plaintext, False  # all that could be read was read
    try:
        connection._raise_ssl_error(ssl, got)
    except SSL.WantReadError:
        return plaintext, False
    except SSL.ZeroReturnError:
        return plaintext, True
    return plaintext, False


def _encrypt(connection: SSL.Connection, data: bytes | bytearray | memoryview) -> bytes:
    """The records of *data* after what OpenSSL had waiting (e.g. deferred tickets).

    One SSL_write per piece, each drained at once: the outgoing memory BIO never holds
    more than a piece (it would keep the memory of a whole 1 MiB write for good).
    """
    size = len(data)
    if not _DIRECT:
        out: list[bytes] = []
        for pos in range(0, size, _PIECE):
            connection.sendall(data[pos : pos + _PIECE])
            out.append(_drain(connection))
        return b"".join(out) if size else _drain(connection)
    ffi, lib = _BINDINGS  # type: ignore[misc]
    ssl = connection._ssl
    chunks: list[bytes] = []
    filled = 0
    with ffi.from_buffer(data) as pointer:
        pos = 0
        while pos < size:
            piece = min(_PIECE, size - pos)
            written = lib.SSL_write(ssl, pointer + pos, piece)  # partial writes are off
            if written <= 0:
                connection._raise_ssl_error(ssl, written)
            pos += piece
            filled = _drain_into(connection, chunks, filled)
    if not size:
        filled = _drain_into(connection, chunks, filled)
    if filled:
        chunks.append(_scratch.buffer[:filled])
    if len(chunks) == 1:
        return chunks[0]
    return b"".join(chunks)


def _drain_into(connection: SSL.Connection, chunks: list[bytes], filled: int) -> int:
    """Move the outgoing BIO into the scratch from *filled* on (full scratches go to
    *chunks*); return how far the scratch is filled."""
    lib = _BINDINGS[1]  # type: ignore[index]
    scratch = _scratch
    bio = connection._from_ssl
    while True:
        got = lib.BIO_read(bio, scratch.pointer + filled, _SCRATCH - filled)
        if got <= 0:
            if not lib.BIO_should_retry(bio):
                connection._handle_bio_errors(bio, got)
            return filled
        filled += got
        if filled == _SCRATCH:
            chunks.append(scratch.buffer[:filled])
            filled = 0


def _drain(connection: SSL.Connection) -> bytes:
    """Everything waiting in the outgoing memory BIO."""
    chunks: list[bytes] = []
    if not _DIRECT:
        try:
            while True:
                chunks.append(connection.bio_read(_SCRATCH))
        except SSL.WantReadError:
            pass
        return b"".join(chunks)
    filled = _drain_into(connection, chunks, 0)
    if filled:
        chunks.append(_scratch.buffer[:filled])
    if len(chunks) == 1:
        return chunks[0]
    return b"".join(chunks)


def _renew_output(connection: SSL.Connection) -> None:
    """Give the connection an empty outgoing memory BIO; the drained one is freed."""
    ffi, lib = _BINDINGS  # type: ignore[misc]
    bio = lib.BIO_new(lib.BIO_s_mem())
    if bio == ffi.NULL:
        return  # keep the old one: only memory is at stake
    # The read BIO is unchanged: SSL_set_bio takes *bio* and frees the old write BIO.
    lib.SSL_set_bio(connection._ssl, connection._into_ssl, bio)
    connection._from_ssl = bio  # type: ignore[attr-defined]


def _reason(error: SSL.Error) -> str:
    """The OpenSSL reason strings of *error*, joined."""
    parts: list[str] = []
    for item in error.args[0] if error.args and isinstance(error.args[0], list) else ():
        if isinstance(item, tuple) and item:
            parts.append(str(item[-1]))
    if not parts:
        parts.append(str(error) or type(error).__name__)
    return "; ".join(parts)
