"""imsalg.agw: the minimal IMS-AGW (asyncio; the only package with sockets and OpenSSL).

- :mod:`imsalg.agw.gateway` — :class:`AGW`, Iq procedures carried out in-process.
- :mod:`imsalg.agw.relay` — terminations, TCP/TLS connections and the stream relay.
- :mod:`imsalg.agw.tls` — pyOpenSSL on a memory BIO, peers pinned by fingerprint.
- :mod:`imsalg.agw.msrp` — incremental RFC 4975 framing (pure): parse, count, rewrite.
- :mod:`imsalg.agw.certs` — per-stream EC P-256 certificates and their pool.
- :mod:`imsalg.agw.config` — :class:`AGWConfig`, :class:`RealmConfig`.
"""

from imsalg.agw.config import AGWConfig, RealmConfig
from imsalg.agw.gateway import AGW, H248Code
from imsalg.agw.relay import AGWCounters
from imsalg.agw.tls import TLSProfile, TLSVersion

__all__ = ["AGW", "AGWConfig", "AGWCounters", "H248Code", "RealmConfig", "TLSProfile", "TLSVersion"]
