"""MSRP peers of the driver tests: the UE (TLS, own certificate) and the core (plain TCP).

The driver under test rewrites the SDP; these helpers play the two ends of the media:
the core listens where its answer says, the UE connects where the ALG's answer to it
says and checks the AGW's certificate against the fingerprint in that answer. Messages
then go both ways, each checked on arrival.
"""

from __future__ import annotations

import attrs

from imsalg.sdp.media import read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.msrp import MSRPURI
from tests.agw.helpers import PeerCertificate, client_context
from tests.drivers.test_aio_inprocess import CORE_PATH_TEMPLATE, UE_PATH
from tests.msrp_endpoint import MSRPEndpoint


@attrs.define
class Media:
    """Both MSRP ends of one call and how many messages each has received."""

    ue: MSRPEndpoint
    core: MSRPEndpoint
    to_core: int = 0
    to_ue: int = 0

    async def exchange(self, label: str) -> None:
        """One message UE → core and one core → UE, each answered 200 and delivered."""
        up = f"{label}: UE to core".encode()
        assert await self.ue.send_message(up) == [200]
        self.to_core += 1
        received = await self.core.wait_messages(self.to_core)
        assert received[-1].body == up
        await self.core.connected.wait()
        down = f"{label}: core to UE".encode()
        assert await self.core.send_message(down, chunk_size=7) == [200] * -(-len(down) // 7)
        self.to_ue += 1
        back = await self.ue.wait_messages(self.to_ue)
        assert back[-1].body == down

    async def close(self) -> None:
        await self.ue.close()
        await self.core.close()


async def core_peer() -> tuple[MSRPEndpoint, int]:
    """A core MSRP endpoint listening on a free port (its URI follows the port)."""
    core = MSRPEndpoint(MSRPURI.parse("msrp://127.0.0.1:1/placeholder;tcp"), UE_PATH)
    port = await core.listen()
    core.own = MSRPURI.parse(CORE_PATH_TEMPLATE.format(port=port))
    return core, port


async def ue_peer(to_ue: str, core: MSRPEndpoint, certificate: PeerCertificate) -> Media:
    """The UE connects over TLS where *to_ue* says and pins the fingerprint in it."""
    info = read_media(SessionDescription.parse(to_ue), 0)
    assert info.line.proto == "TCP/TLS/MSRP"
    assert info.connection is not None
    [fingerprint] = info.fingerprints
    ue = MSRPEndpoint(UE_PATH, core.own)
    await ue.connect(info.connection.host, info.line.port, tls=client_context(certificate))
    assert ue.peer_certificate is not None
    assert fingerprint.matches(ue.peer_certificate)  # the AGW's certificate is the SDP's
    return Media(ue=ue, core=core)
