"""imsalg.transport: H.248 over UDP and TCP with asyncio, and finding the IMS-AGW.

The only part of the H.248 stack that does I/O. It drives the sans-IO transaction layer
(:mod:`imsalg.h248.transactions`) with ``loop.time()`` and the text codec
(:mod:`imsalg.h248.text`).

- :class:`H248Client` (ALG side): ``await client.request(actions) -> TransactionReply``,
  failing over between the AGW's addresses; requests from the AGW go to a handler.
- :class:`H248Server` (AGW side): calls ``handler(peer, request) -> reply`` once per
  transaction; ``await server.request(peer, actions)`` for our own Notify.
- :class:`UDPEndpoint`, :class:`TCPEndpoint`: the endpoints both are built from.
- :func:`locate`: IP literal, DNS SRV (RFC 2782) or A/AAAA → ordered addresses.
- :func:`frame` / :class:`TPKTReader`: TPKT framing of H.248 over TCP (RFC 1006).
- ``endpoint.driver.observer``: a :data:`MessageObserver` that sees every message sent
  and received (a wire log).
"""

from imsalg.transport._driver import Address, MessageObserver, RequestHandler, normalize_address
from imsalg.transport.client import H248Client
from imsalg.transport.errors import GatewayTimeout, GatewayUnreachable, TPKTError
from imsalg.transport.locate import SERVICE, SRVRecord, locate, make_resolver, order_srv
from imsalg.transport.server import H248Server
from imsalg.transport.tcp import TCPEndpoint, TPKTReader, frame
from imsalg.transport.udp import DEFAULT_PORT, UDPEndpoint

__all__ = [
    "DEFAULT_PORT",
    "SERVICE",
    "Address",
    "GatewayTimeout",
    "GatewayUnreachable",
    "H248Client",
    "H248Server",
    "MessageObserver",
    "RequestHandler",
    "SRVRecord",
    "TCPEndpoint",
    "TPKTError",
    "TPKTReader",
    "UDPEndpoint",
    "frame",
    "locate",
    "make_resolver",
    "normalize_address",
    "order_srv",
]
