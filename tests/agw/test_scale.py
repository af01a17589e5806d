"""1,000 concurrent TLS sessions through one AGW; every byte accounted for at both ends.

Each session is its own context with its own UE certificate (pinned by fingerprint)
and its own AGW certificate. All sessions are up at the same time before any ends.
The core peer echoes; each UE checks that exactly its bytes came back.
"""

from __future__ import annotations

import asyncio
import resource
import ssl
from pathlib import Path

import pytest

from imsalg.agw import AGW, AGWConfig
from imsalg.sdp.msrp import MSRPURI
from tests.msrp_endpoint import build_send

from .helpers import (
    LeakCheck,
    Notifications,
    asynctest,
    client_context,
    originating_call,
    release,
    run,
    write_certificate,
)

SESSIONS = 1000
UE_URI = MSRPURI.parse("msrps://ue.invalid:2855/ue;tcp")
CORE_URI = MSRPURI.parse("msrp://127.0.0.1:2855/core;tcp")


class EchoCore:
    """The core peer: echoes every connection and counts what each one brought."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0, backlog=2048)
        return int(self._server.sockets[0].getsockname()[1])

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        count = 0
        try:
            while data := await reader.read(65536):
                count += len(data)
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            self.received.append(count)
            writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


def raise_fd_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.fail(f"need {wanted} file descriptors, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@pytest.mark.slow
@asynctest
async def test_thousand_concurrent_tls_sessions(tmp_path: Path) -> None:
    raise_fd_limit(8 * SESSIONS)
    leaks = LeakCheck()
    notes = Notifications()
    core = EchoCore()
    core_port = await core.start()
    certificates = [write_certificate(tmp_path, f"ue{n}") for n in range(SESSIONS)]
    contexts: list[ssl.SSLContext] = [client_context(c) for c in certificates]
    async with AGW(AGWConfig(cert_pool_size=0), on_notification=notes) as agw:
        calls = []
        for certificate in certificates:
            call = await originating_call(agw, (certificate.fingerprint,), core_port)
            calls.append((call.context, call.access))
        everyone_up = asyncio.Event()
        up = 0

        async def session(number: int) -> bytes:
            nonlocal up
            _, access = calls[number]
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", access.port, ssl=contexts[number], server_hostname=""
            )
            der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
            assert access.fingerprint is not None
            assert access.fingerprint.matches(der)
            up += 1
            if up == SESSIONS:
                everyone_up.set()
            await everyone_up.wait()  # all sessions exist at the same time
            body = f"session {number} ".encode() * (1 + number % 200)
            _, frame = build_send(CORE_URI, UE_URI, body, message_id=f"m{number}")
            writer.write(frame)
            echoed = await reader.readexactly(len(frame))
            writer.close()
            await writer.wait_closed()
            assert echoed == frame
            return frame

        frames = await asyncio.wait_for(asyncio.gather(*(session(n) for n in range(SESSIONS))), 100)
        await notes.wait(SESSIONS, timeout=30)
        counters = agw.counters
        assert counters.handshakes_ok == SESSIONS
        assert counters.handshakes_failed == 0
        assert counters.octets_relayed == 2 * sum(len(f) for f in frames)
        assert counters.messages_relayed == 2 * SESSIONS
        for context, _ in calls:
            await run(agw, context, release("*"))
    assert sorted(core.received) == sorted(len(f) for f in frames)
    await core.close()
    await leaks.check(timeout=20)
