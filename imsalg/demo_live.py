"""``imsalg demo``: a complete e2ae MSRP call on loopback, with real sockets and real TLS.

Who takes part:

- a simulated **UE**: its own self-signed certificate, an SDP offer (or answer) with
  ``TCP/TLS/MSRP``, ``a=3ge2ae:requested``, ``a=fingerprint``, ``a=setup`` and (agnostic
  mode) ``a=msrp-cema``; it checks the AGW's certificate against the fingerprint the
  IMS-ALG put in the SDP it received;
- the **IMS-ALG**: the sans-IO engine driven by :class:`~imsalg.drivers.AsyncALG`;
- the bundled **IMS-AGW**, controlled over H.248 text on UDP (:class:`AGWServer`);
- a **core MSRP peer** on plain TCP that matches sessions on full URIs (RFC 4975).

The flow is printed step by step (SDP before and after the rewrite with the changed
lines marked, each H.248 transaction summarised, the roles chosen and why, the
fingerprint checks, the MSRP messages delivered each way, the release statistics), or
summarised as one JSON object. ``--bad-fingerprint`` makes the UE advertise the
fingerprint of another certificate: the AGW must refuse the handshake, report it
(Notify) and the ALG must release the stream, with nothing relayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import secrets
from collections.abc import Callable
from typing import Any

import attrs

from imsalg.agw import AGW
from imsalg.agw.certs import mint_certificate
from imsalg.agw.config import AGWConfig
from imsalg.agw.msrp import BodyChunk, FrameEnd, FrameHead, MSRPParser
from imsalg.agw.server import AGWServer
from imsalg.agw.tls import TLSCredentials, TLSFailure, TLSProfile, TLSSession, build_context
from imsalg.alg.config import AlgPolicy
from imsalg.alg.state import StreamState
from imsalg.drivers import AsyncALG, AsyncCall, CallEvent
from imsalg.drivers.remote import RemoteGateway
from imsalg.errors import IMSALGError
from imsalg.iq.describe import describe_reply, describe_request
from imsalg.iq.procedures import Establishment, MSRPMode, Side
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.media import MediaInfo, read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.msrp import MSRPURI

__all__ = ["DemoOptions", "DemoSummary", "Scenario", "run_live_demo"]

Print = Callable[[str], None]
_HOST = "127.0.0.1"


class Scenario(str, enum.Enum):
    """Who offers: the UE (originating) or the core (terminating)."""

    ORIGINATING = "originating"
    TERMINATING = "terminating"


@attrs.frozen(kw_only=True)
class DemoOptions:
    """What the demo call does."""

    scenario: Scenario = Scenario.ORIGINATING
    #: What the UE puts in a=setup (its offer, or its answer): active, passive,
    #: actpass or none (no a=setup line).
    setup: str = "actpass"
    mode: MSRPMode = MSRPMode.AGNOSTIC
    establishment: Establishment = Establishment.INITIATE
    bad_fingerprint: bool = False
    timeout: float = 15.0


@attrs.frozen(kw_only=True)
class DemoSummary:
    """The outcome, as ``imsalg demo --json`` prints it."""

    ok: bool
    scenario: str
    tls_role: str | None
    fingerprint_verified: bool
    delivered_to_core: int
    delivered_to_ue: int
    failure: str | None

    def to_json(self) -> dict[str, Any]:
        """The summary as a JSON object."""
        return attrs.asdict(self)


class _Endpoint(asyncio.Protocol):
    """A tiny MSRP endpoint (RFC 4975): SEND and 200 responses, plain TCP or TLS."""

    def __init__(
        self, name: str, own: MSRPURI, tls: TLSSession | None, *, tls_later: bool = False
    ) -> None:
        self.name = name
        self.own = own
        self.peer: MSRPURI | None = None
        self.tls = tls
        #: TLS will be set with :meth:`set_tls` (the peer's fingerprint is not known yet):
        #: bytes arriving before that wait.
        self.tls_later = tls_later
        self._early = b""
        self.transport: asyncio.Transport | None = None
        self.parser = MSRPParser()
        self.received: list[bytes] = []
        self.rejected: list[str] = []
        self.responses: dict[str, int] = {}
        self.peer_certificate_ok: bool | None = None
        self.failure: str | None = None
        self.connected = asyncio.Event()
        self.closed = asyncio.Event()
        self._changed = asyncio.Event()
        self._head: FrameHead | None = None
        self._body: list[bytes] = []

    # -- asyncio.Protocol -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        if self.tls is None and self.tls_later:
            return
        if self.tls is not None:
            if not self.tls.server:
                self.tls.start()
            self._flush()
        else:
            self.connected.set()

    def set_tls(self, session: TLSSession) -> None:
        """Start TLS now that the peer's fingerprints are known; replay early bytes."""
        self.tls = session
        self.tls_later = False
        if self.transport is None:
            return
        if not session.server:
            session.start()
            self._flush()
        early, self._early = self._early, b""
        if early:
            self.data_received(early)

    def data_received(self, data: bytes) -> None:
        if self.tls is None and self.tls_later:
            self._early += data
            return
        plain = data
        if self.tls is not None:
            try:
                plain = self.tls.receive(data)
            except TLSFailure as failure:
                self.failure = failure.cause
                self._flush(everything=True)
                if self.transport is not None:
                    self.transport.close()
                return
            self._flush()
            if self.tls.established and not self.connected.is_set():
                self.peer_certificate_ok = True  # the session pins the peer's fingerprint
                self.connected.set()
        if plain:
            self._frames(plain)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()
        self._changed.set()

    def _flush(self, *, everything: bool = False) -> None:
        if self.tls is None or self.transport is None:
            return
        out = self.tls.flush() if everything else self.tls.data_to_send()
        if out:
            self.transport.write(out)

    # -- MSRP -------------------------------------------------------------------------

    def _frames(self, data: bytes) -> None:
        for event in self.parser.feed(data):
            if isinstance(event, FrameHead):
                self._head, self._body = event, []
            elif isinstance(event, BodyChunk):
                self._body.append(event.data)
            elif isinstance(event, FrameEnd) and self._head is not None:
                self._frame(self._head, b"".join(self._body))
        self._changed.set()

    def _frame(self, head: FrameHead, body: bytes) -> None:
        if not head.is_request:
            self.responses[head.transact_id] = head.status or 0
            return
        to_path = (head.header("To-Path") or "").split()
        from_path = (head.header("From-Path") or "").split()
        # RFC 4975 §7.3: the first To-Path URI must be ours, From-Path the peer's.
        ours = bool(to_path) and MSRPURI.parse(to_path[0]).same_as(self.own)
        theirs = self.peer is None or (
            bool(from_path) and MSRPURI.parse(from_path[0]).same_as(self.peer)
        )
        status = 200 if ours and theirs else 481
        if status == 200 and head.method == "SEND":
            self.received.append(body)
        else:
            self.rejected.append(head.transact_id)
        comment = "OK" if status == 200 else "Session does not exist"
        reply = (
            f"MSRP {head.transact_id} {status} {comment}\r\n"
            f"To-Path: {from_path[0] if from_path else ''}\r\n"
            f"From-Path: {self.own.format()}\r\n"
            f"-------{head.transact_id}$\r\n"
        ).encode()
        self._write(reply)

    def _write(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if self.tls is not None:
            self.transport.write(self.tls.send(data))
        else:
            self.transport.write(data)

    async def send(self, text: str, timeout: float) -> int:
        """Send one SEND to the peer; return the status of the response."""
        if self.peer is None:
            raise RuntimeError("the peer's MSRP URI is unknown")
        transact = secrets.token_hex(6)
        body = text.encode()
        frame = (
            (
                f"MSRP {transact} SEND\r\n"
                f"To-Path: {self.peer.format()}\r\n"
                f"From-Path: {self.own.format()}\r\n"
                f"Message-ID: {secrets.token_hex(6)}\r\n"
                f"Byte-Range: 1-{len(body)}/{len(body)}\r\n"
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + body
            + f"\r\n-------{transact}$\r\n".encode()
        )
        self._write(frame)
        await self.wait(lambda: transact in self.responses, timeout)
        return self.responses[transact]

    async def wait(self, condition: Callable[[], bool], timeout: float) -> None:
        """Wait until *condition* holds (re-checked when bytes arrive)."""

        async def loop() -> None:
            while not condition():
                if self.closed.is_set():
                    raise ConnectionError(f"{self.name}: connection closed")
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(loop(), timeout)

    def close(self) -> None:
        """Close the connection (TLS: with close_notify)."""
        if self.transport is None or self.transport.is_closing():
            return
        if self.tls is not None and self.tls.established:
            self.transport.write(self.tls.close())
        self.transport.close()


def _ue_sdp(
    *,
    offer: bool,
    port: int,
    path: MSRPURI,
    setup: str,
    fingerprint: Fingerprint,
    cema: bool,
) -> str:
    lines = [
        "v=0",
        f"o=- {'1' if offer else '2'} 1 IN IP4 {_HOST}",
        "s=-",
        f"c=IN IP4 {_HOST}",
        "t=0 0",
        f"m=message {port} TCP/TLS/MSRP *",
        "a=accept-types:text/plain message/cpim",
        f"a=path:{path.format()}",
    ]
    if setup != "none":
        lines.append(f"a=setup:{setup}")
    lines.append(f"a=fingerprint:{fingerprint.format()}")
    if cema:
        lines.append("a=msrp-cema")
    if offer:
        lines.append("a=3ge2ae:requested")
    return "\r\n".join(lines) + "\r\n"


def _core_sdp(*, offer: bool, port: int, path: MSRPURI, setup: str | None, cema: bool) -> str:
    lines = [
        "v=0",
        f"o=core {'3' if offer else '4'} 1 IN IP4 {_HOST}",
        "s=-",
        f"c=IN IP4 {_HOST}",
        "t=0 0",
        f"m=message {port} TCP/MSRP *",
        "a=accept-types:text/plain",
        f"a=path:{path.format()}",
    ]
    if setup is not None:
        lines.append(f"a=setup:{setup}")
    if cema:
        lines.append("a=msrp-cema")
    return "\r\n".join(lines) + "\r\n"


def _answer_setup(offered: str | None) -> str | None:
    """What a peer answers to *offered* (RFC 4145 §4.1); it prefers to listen."""
    return {"active": "passive", "passive": "active", "actpass": "passive", None: None}.get(
        offered, "holdconn"
    )


def _connects(offerer: bool, own: str | None, peer: str | None) -> bool:
    """Whether an endpoint opens the TCP connection, from its a=setup and the peer's
    (RFC 4145 §4.1; no a=setup on either side: the offerer connects, RFC 4975)."""
    if own == "active":
        return True
    if own in ("passive", "holdconn"):
        return False
    if own == "actpass":
        return peer == "passive"
    if peer == "active":
        return False
    if peer == "passive":
        return True
    return offerer


class _Flow:
    """One demo call: the parties, the printing, and the summary."""

    def __init__(self, options: DemoOptions, print_: Print) -> None:
        self.options = options
        self.print = print_
        self.cema = options.mode is MSRPMode.AGNOSTIC
        self.events: asyncio.Queue[CallEvent] = asyncio.Queue()
        self.tls_context = build_context(TLSProfile())
        ue_cert = mint_certificate("demo-ue")
        self.ue_credentials = TLSCredentials.of(ue_cert)
        advertised = mint_certificate("someone-else") if options.bad_fingerprint else ue_cert
        self.ue_fingerprint = advertised.fingerprint()
        self.ue_path = MSRPURI(
            scheme="msrps", host="ue.invalid", port=2855, session_id="ue" + secrets.token_hex(4)
        )
        self.core_path = MSRPURI(
            scheme="msrp", host=_HOST, port=2855, session_id="core" + secrets.token_hex(4)
        )
        self.servers: list[asyncio.Server] = []
        self.endpoints: list[_Endpoint] = []

    # -- printing ---------------------------------------------------------------------

    def step(self, text: str) -> None:
        self.print("")
        self.print(f"== {text}")

    def sdp(self, title: str, before: str | None, after: str) -> None:
        from imsalg.demo import marked_diff

        self.print(f"  {title}:")
        lines = marked_diff(before, after) if before is not None else after.splitlines()
        for line in lines:
            self.print("    " + line)

    def iq(self, call: AsyncCall, start: int) -> int:
        for request, reply in call.exchanges[start:]:
            self.print(f"  H.248/Iq → {describe_request(request)[0]}")
            for line in describe_request(request)[1:]:
                self.print("  H.248/Iq →   " + line.strip())
            for line in describe_reply(reply):
                self.print("  H.248/Iq ← " + line.strip())
        return len(call.exchanges)

    def roles(self, streams: tuple[StreamState, ...]) -> None:
        for stream in streams:
            if stream.access is None or stream.core is None:
                continue
            self.print(f"  plan: {stream.kind.value} — {stream.why}")
            for leg in (stream.access, stream.core):
                roles = leg.roles
                sent = roles.setup_sent.value if roles.setup_sent else "(none)"
                received = roles.setup_received.value if roles.setup_received else "(none)"
                why = f"a=setup sent {sent}, received {received}"
                text = f"  {leg.side.value:6}: AGW {leg.agw} is TCP {roles.tcp.value} ({why})"
                if leg.transport.tls:
                    text += f", TLS {roles.tls.value}"
                    if leg.establish_tls:
                        text += ", told to start TLS once TCP is up"
                self.print(text)

    # -- parties ----------------------------------------------------------------------

    async def listen(self, endpoint: _Endpoint) -> int:
        loop = asyncio.get_running_loop()
        holder: dict[str, bool] = {}

        def factory() -> _Endpoint:
            if holder:
                raise ConnectionRefusedError("one connection per endpoint")
            holder["taken"] = True
            return endpoint

        server = await loop.create_server(factory, _HOST, 0)
        self.servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    async def connect(self, endpoint: _Endpoint, info: MediaInfo) -> None:
        if info.connection is None:
            raise ConnectionError("the SDP names no address to connect to")
        loop = asyncio.get_running_loop()
        await loop.create_connection(lambda: endpoint, info.connection.host, info.line.port)

    async def ue_listener(self) -> tuple[_Endpoint, int]:
        """A UE endpoint accepting one connection; its TLS starts with :meth:`_Endpoint.set_tls`
        once the AGW's fingerprint is known."""
        endpoint = _Endpoint("UE", self.ue_path, None, tls_later=True)
        return endpoint, await self.listen(endpoint)

    def ue_sdp(self, *, offer: bool, port: int) -> str:
        """The UE's offer or answer (port 9: it will not accept, RFC 4145 §4)."""
        return _ue_sdp(
            offer=offer,
            port=port or 9,
            path=self.ue_path,
            setup=self.options.setup,
            fingerprint=self.ue_fingerprint,
            cema=self.cema,
        )

    def ue_endpoint(self, *, server: bool, agw_fingerprints: tuple[Fingerprint, ...]) -> _Endpoint:
        session = TLSSession(self.tls_context, self.ue_credentials, agw_fingerprints, server=server)
        endpoint = _Endpoint("UE", self.ue_path, session)
        self.endpoints.append(endpoint)
        return endpoint

    async def close(self) -> None:
        for endpoint in self.endpoints:
            endpoint.close()
        for server in self.servers:
            server.close()
            with contextlib.suppress(Exception):
                await server.wait_closed()


async def run_live_demo(options: DemoOptions, print_: Print = lambda _: None) -> DemoSummary:
    """Run one demo call; never raises for an expected failure (it is in the summary)."""
    flow = _Flow(options, print_)
    policy = AlgPolicy(msrp_mode=options.mode, establishment=options.establishment)
    agw_server = await AGWServer.start(AGW(AGWConfig()), host=_HOST, port=0)
    control = agw_server.addresses["udp"]
    gateway = await RemoteGateway.connect([control])
    alg = AsyncALG(gateway, policy)
    call = alg.call("demo", on_event=flow.events.put_nowait)
    print_(
        f"imsalg demo: {options.scenario.value} call, UE a=setup {options.setup}, "
        f"{options.mode.value} MSRP, TCP {options.establishment.value}"
        + (", UE advertises a wrong fingerprint" if options.bad_fingerprint else "")
    )
    print_(f"  IMS-AGW under H.248 control on udp:{control[0]}:{control[1]}")
    try:
        summary = await asyncio.wait_for(_call(flow, call, options), options.timeout)
    except (IMSALGError, TimeoutError, asyncio.TimeoutError, ConnectionError, OSError) as exc:
        detail = exc.one_line() if isinstance(exc, IMSALGError) else f"{type(exc).__name__}: {exc}"
        summary = DemoSummary(
            ok=False,
            scenario=options.scenario.value,
            tls_role=None,
            fingerprint_verified=False,
            delivered_to_core=0,
            delivered_to_ue=0,
            failure=detail,
        )
        print_(f"  FAILED: {detail}")
    finally:
        await flow.close()
        with contextlib.suppress(IMSALGError):
            await alg.close()
        await gateway.close()
        await agw_server.close()
    print_("")
    print_(f"== result: {'OK' if summary.ok else 'NOT OK'}")
    return summary


async def _call(flow: _Flow, call: AsyncCall, options: DemoOptions) -> DemoSummary:
    seen = 0
    ue_setup = None if options.setup == "none" else options.setup
    core: _Endpoint
    ue_listen_port = 0
    if options.scenario is Scenario.ORIGINATING:
        # The UE listens in advance when it may have to accept (RFC 4145 passive/actpass).
        will_accept = ue_setup in ("passive", "actpass")
        ue_accepting: _Endpoint | None = None
        if will_accept:
            # The AGW's fingerprint arrives with the answer: TLS is set up then.
            ue_accepting, ue_listen_port = await flow.ue_listener()
        offer = flow.ue_sdp(offer=True, port=ue_listen_port)
        flow.step("1. UE → P-CSCF (IMS-ALG): SDP offer")
        to_core = await call.sdp(Side.ACCESS, offer)
        seen = flow.iq(call, seen)
        flow.sdp("offer forwarded to the core (changed lines marked)", offer, to_core)
        flow.roles(call.streams)

        core_offered = read_media(SessionDescription.parse(to_core), 0)
        core_setup_offered = core_offered.setup.value if core_offered.setup else None
        core_answer_setup = _answer_setup(core_setup_offered)
        core = _Endpoint("core", flow.core_path, None)
        core_port = 9
        core_connects = _connects(False, core_answer_setup, core_setup_offered)
        if not core_connects:
            core_port = await flow.listen(core)
        flow.core_path = attrs.evolve(flow.core_path, port=core_port)
        core.own = flow.core_path
        answer = _core_sdp(
            offer=False,
            port=core_port,
            path=flow.core_path,
            setup=core_answer_setup,
            cema=flow.cema,
        )
        flow.step("2. core → IMS-ALG: SDP answer")
        to_ue = await call.sdp(Side.CORE, answer)
        seen = flow.iq(call, seen)
        flow.sdp("answer forwarded to the UE (changed lines marked)", answer, to_ue)
        flow.roles(call.streams)
        ue_view = read_media(SessionDescription.parse(to_ue), 0)
        ue_received = ue_view.setup.value if ue_view.setup else None
        ue_connects = _connects(True, ue_setup, ue_received)
    else:
        core = _Endpoint("core", flow.core_path, None)
        core_port = await flow.listen(core)
        flow.core_path = attrs.evolve(flow.core_path, port=core_port)
        core.own = flow.core_path
        offer = _core_sdp(
            offer=True, port=core_port, path=flow.core_path, setup="actpass", cema=flow.cema
        )
        flow.step("1. core → P-CSCF (IMS-ALG): SDP offer (TCP/MSRP) toward an e2ae-capable UE")
        to_ue = await call.sdp(Side.CORE, offer)
        seen = flow.iq(call, seen)
        flow.sdp("offer forwarded to the UE (changed lines marked)", offer, to_ue)
        flow.roles(call.streams)
        ue_view = read_media(SessionDescription.parse(to_ue), 0)
        ue_received = ue_view.setup.value if ue_view.setup else None
        ue_connects = _connects(False, ue_setup, ue_received)
        ue_accepting = None
        if not ue_connects:
            ue_accepting, ue_listen_port = await flow.ue_listener()
        answer = flow.ue_sdp(offer=False, port=ue_listen_port)
        flow.step("2. UE → IMS-ALG: SDP answer")
        try:
            to_core = await call.sdp(Side.ACCESS, answer)
        except IMSALGError as refused:
            flow.print(f"  refused: {refused.one_line()}")
            expected = options.setup == "actpass"  # RFC 4145: an answer is never actpass
            flow.print(
                "  (correct: RFC 4145 forbids a=setup:actpass in an answer)"
                if expected
                else "  (unexpected refusal)"
            )
            return DemoSummary(
                ok=expected,
                scenario=options.scenario.value,
                tls_role=None,
                fingerprint_verified=False,
                delivered_to_core=0,
                delivered_to_ue=0,
                failure=refused.one_line(),
            )
        seen = flow.iq(call, seen)
        flow.sdp("answer forwarded to the core (changed lines marked)", answer, to_core)
        flow.roles(call.streams)
        core_view = read_media(SessionDescription.parse(to_core), 0)
        core_connects = _connects(
            True, "actpass", core_view.setup.value if core_view.setup else None
        )

    access, _ = call.streams[0].legs(Side.ACCESS)
    tls_role = access.roles.tls.value
    agw_fingerprints = ue_view.fingerprints
    flow.step("3. connections: TCP, then TLS authenticated by the SDP fingerprints")
    flow.print(f"  the AGW is TLS {tls_role} toward the UE")
    flow.print(f"  AGW fingerprint the UE pins (from the SDP it got): {agw_fingerprints[0]}")
    flow.print(f"  UE fingerprint the AGW pins (from the UE's SDP):   {flow.ue_fingerprint}")

    # The UE's TLS role follows its TCP role: whoever connects is the TLS client.
    if ue_connects:
        ue = flow.ue_endpoint(server=False, agw_fingerprints=agw_fingerprints)
    elif ue_accepting is None:
        raise ConnectionError("the UE must accept the AGW's connection but does not listen")
    else:
        ue = ue_accepting
        flow.endpoints.append(ue)
        ue.set_tls(TLSSession(flow.tls_context, flow.ue_credentials, agw_fingerprints, server=True))
    ue.peer = MSRPURI.parse(ue_view.path[-1].format()) if ue_view.path else None
    core_view_for_peer = read_media(SessionDescription.parse(to_core), 0)
    core.peer = core_view_for_peer.path[-1] if core_view_for_peer.path else None
    flow.endpoints.append(core)
    if core_connects:
        await flow.connect(core, core_view_for_peer)
    if ue_connects:
        await flow.connect(ue, ue_view)

    if options.bad_fingerprint:
        event = await flow.events.get()
        failure = getattr(event.action, "cause", "")
        flow.print(f"  AGW refused the UE's certificate; Notify → IMS-ALG: {failure}")
        seen = flow.iq(call, seen)
        released = await call.release()
        seen = flow.iq(call, seen)
        flow.step("4. release")
        _statistics(flow, released.statistics)
        ok = "fingerprint-mismatch" in failure and core.received == []
        flow.print(
            "  correct: the handshake was refused, reported and released; nothing reached the core"
            if ok
            else "  NOT as expected"
        )
        return DemoSummary(
            ok=ok,
            scenario=options.scenario.value,
            tls_role=tls_role,
            fingerprint_verified=False,
            delivered_to_core=len(core.received),
            delivered_to_ue=len(ue.received),
            failure=failure,
        )

    await asyncio.wait_for(ue.connected.wait(), options.timeout)
    flow.print("  TLS established: the UE's certificate matched its SDP fingerprint at the AGW,")
    flow.print("  and the AGW's certificate matched the fingerprint the IMS-ALG gave the UE")
    await core.connected.wait()

    flow.step("4. MSRP through the AGW (TLS toward the UE, plain TCP toward the core)")
    sent_up = ["Hello from the UE", "Second message from the UE"]
    for text in sent_up:
        status = await ue.send(text, options.timeout)
        flow.print(f"  UE → core: SEND {text!r} → {status}")
    await core.wait(lambda: len(core.received) >= len(sent_up), options.timeout)
    sent_down = ["Hello from the core"]
    for text in sent_down:
        status = await core.send(text, options.timeout)
        flow.print(f"  core → UE: SEND {text!r} → {status}")
    await ue.wait(lambda: len(ue.received) >= len(sent_down), options.timeout)
    flow.print(f"  delivered to the core: {[b.decode() for b in core.received]}")
    flow.print(f"  delivered to the UE:   {[b.decode() for b in ue.received]}")

    flow.step("5. BYE: release the AGW resources")
    released = await call.release()
    flow.iq(call, seen)
    _statistics(flow, released.statistics)
    ok = (
        ue.peer_certificate_ok is True
        and [b.decode() for b in core.received] == sent_up
        and [b.decode() for b in ue.received] == sent_down
        and flow.events.empty()
    )
    return DemoSummary(
        ok=ok,
        scenario=options.scenario.value,
        tls_role=tls_role,
        fingerprint_verified=bool(ue.peer_certificate_ok),
        delivered_to_core=len(core.received),
        delivered_to_ue=len(ue.received),
        failure=None,
    )


def _statistics(flow: _Flow, statistics: tuple[tuple[str, Any], ...]) -> None:
    for name, stats in statistics:
        flow.print(
            f"  {name}: {stats.octets_in} octets / {stats.messages_in} MSRP frames in, "
            f"{stats.octets_out} octets / {stats.messages_out} out"
        )
