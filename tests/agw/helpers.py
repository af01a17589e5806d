"""Shared helpers of the AGW tests: event loop, certificates, peers, Iq shortcuts, leaks.

- :func:`asynctest` runs a coroutine test in a fresh loop (aioquic style, no plugin).
- :func:`write_certificate` mints a UE certificate at run time into ``tmp_path``.
- :class:`Peer` starts an independent program (openssl, gnutls-cli, socat) and always
  kills it; :func:`free_port` picks a port below the ephemeral range (PEERS.md).
- :class:`LeakCheck` compares open file descriptors and tasks before and after.
- ``reserve``/``configure``/``release``/``run`` shorten Iq requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import random
import socket
import ssl
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, ParamSpec

import attrs

from imsalg.agw import AGW
from imsalg.agw.certs import mint_certificate
from imsalg.iq.procedures import (
    ConfigureConnectionPoint,
    ConnectionPointReserved,
    Establishment,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    MSRPMode,
    Procedure,
    ReleaseTermination,
    RemoteSide,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    Side,
    StreamMode,
    Transport,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI

P = ParamSpec("P")

#: Upper bound of one test's coroutine (seconds); pytest-timeout is the outer bound.
TEST_TIMEOUT = 90.0


def asynctest(
    function: Callable[P, Coroutine[Any, Any, None]],
) -> Callable[P, None]:
    """Run an ``async def`` test in its own event loop, bounded in time."""

    async def bounded(*args: P.args, **kwargs: P.kwargs) -> None:
        task = asyncio.current_task()
        assert task is not None
        # Cancel from a timer rather than wrapping in wait_for: no extra task to count.
        timer = asyncio.get_running_loop().call_later(TEST_TIMEOUT, task.cancel)
        try:
            await function(*args, **kwargs)
        finally:
            timer.cancel()

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(bounded(*args, **kwargs))

    return wrapper


# -- certificates ------------------------------------------------------------------------


@attrs.frozen
class PeerCertificate:
    """A UE certificate on disk (for peer programs) and in memory."""

    cert: Path
    key: Path
    der: bytes
    pem: bytes
    key_pem: bytes

    @property
    def fingerprint(self) -> Fingerprint:
        return Fingerprint.of_certificate(self.der, "sha-256")


def write_certificate(directory: Path, name: str = "ue") -> PeerCertificate:
    """Mint an EC P-256 certificate now and write it (key mode 0600) to *directory*."""
    minted = mint_certificate(name)
    cert = directory / f"{name}.crt"
    key = directory / f"{name}.key"
    cert.write_bytes(minted.cert_pem())
    key.touch(mode=0o600)
    key.write_bytes(minted.key_pem())
    return PeerCertificate(cert, key, minted.der, minted.cert_pem(), minted.key_pem())


def client_context(
    certificate: PeerCertificate | None, *, version: ssl.TLSVersion | None = None
) -> ssl.SSLContext:
    """A stdlib TLS client context presenting *certificate* (server checked by the test)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test compares the AGW's fingerprint itself
    if certificate is not None:
        context.load_cert_chain(certificate.cert, certificate.key)
    if version is not None:
        context.minimum_version = context.maximum_version = version
    return context


# -- resources ---------------------------------------------------------------------------


def fd_count() -> int:
    """Open file descriptors of this process."""
    return len(os.listdir("/proc/self/fd"))


class LeakCheck:
    """Snapshot of fds and tasks; :meth:`check` waits until both are back."""

    def __init__(self) -> None:
        self.fds = fd_count()

    async def check(self, timeout: float = 5.0) -> None:
        current = asyncio.current_task()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            tasks = [task for task in asyncio.all_tasks() if task is not current]
            fds = fd_count()
            if fds <= self.fds and not tasks:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"leak: {fds - self.fds} fds, tasks {tasks}")
            await asyncio.sleep(0.02)


def free_port() -> int:
    """A free TCP port on 127.0.0.1 below the ephemeral range (PEERS.md)."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below 32768")


def listening(port: int) -> bool:
    """Whether something listens on 127.0.0.1:*port* (read from /proc, no probe)."""
    wanted = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        return any(
            line.split()[1] == wanted and line.split()[3] == "0A" for line in table.readlines()[1:]
        )


async def wait_listening(port: int, timeout: float = 10.0) -> None:
    """Wait until a peer listens on *port*."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not listening(port):
        if loop.time() > deadline:
            raise TimeoutError(f"nothing listens on port {port}")
        await asyncio.sleep(0.02)


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll *condition* until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


class Peer:
    """An independent peer program, killed by :meth:`stop` (use ``async with``)."""

    def __init__(self, *argv: str) -> None:
        self.argv = argv
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.process: asyncio.subprocess.Process | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._changed = asyncio.Event()

    async def __aenter__(self) -> Peer:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._collect(self.process.stdout, self.stdout)),
            loop.create_task(self._collect(self.process.stderr, self.stderr)),
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _collect(self, stream: asyncio.StreamReader, into: bytearray) -> None:
        while True:
            data = await stream.read(65536)
            if not data:
                return
            into += data
            self._changed.set()

    def write(self, data: bytes) -> None:
        assert self.process is not None
        assert self.process.stdin is not None
        self.process.stdin.write(data)

    async def wait_output(
        self, needle: bytes, *, stderr: bool = False, timeout: float = 10
    ) -> None:
        """Wait until *needle* appears on stdout (or stderr)."""
        into = self.stderr if stderr else self.stdout

        async def loop() -> None:
            while needle not in into:
                if all(task.done() for task in self._tasks):
                    raise EOFError(f"{self.argv[0]} ended before {needle!r}: {self.stderr!r}")
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(loop(), timeout)

    async def wait_stdout_length(self, size: int, timeout: float = 10) -> bytes:
        """Wait until at least *size* octets came on stdout."""

        async def loop() -> None:
            while len(self.stdout) < size:
                if all(task.done() for task in self._tasks):
                    raise EOFError(f"{self.argv[0]} ended: {bytes(self.stderr)!r}")
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(loop(), timeout)
        return bytes(self.stdout)

    async def wait_exit(self, timeout: float = 10) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        if process.stdin is not None:
            process.stdin.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), 10)
        for task in self._tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)


# -- Iq shortcuts ------------------------------------------------------------------------


def local(
    side: Side,
    *,
    transport: Transport | None = None,
    setup: Setup | None,
    establishment: Establishment = Establishment.INITIATE,
    mode: StreamMode = StreamMode.SENDRECV,
    msrp_mode: MSRPMode = MSRPMode.AGNOSTIC,
    fingerprint: bool = False,
    path: bool = False,
    establish_tls: bool = False,
    notify_tls_failure: bool = True,
    realm: str | None = None,
) -> LocalSide:
    """A LocalSide with the defaults these tests use (TLS on access, TCP/MSRP on core)."""
    if transport is None:
        transport = Transport.TCP_TLS_MSRP if side is Side.ACCESS else Transport.TCP_MSRP
    return LocalSide(
        realm=realm or side.value,
        transport=transport,
        setup=setup,
        establishment=establishment,
        mode=mode,
        msrp_mode=msrp_mode,
        request_fingerprint=fingerprint,
        request_path=path,
        establish_tls=establish_tls,
        notify_tls_failure=notify_tls_failure,
    )


def remote(
    address: str | None = None,
    port: int | None = None,
    *,
    fingerprints: tuple[Fingerprint, ...] = (),
    path: tuple[MSRPURI, ...] = (),
    setup: Setup | None = None,
) -> RemoteSide:
    return RemoteSide(address=address, port=port, fingerprints=fingerprints, path=path, setup=setup)


def reserve(
    stream: int, side: Side, local_side: LocalSide, remote_side: RemoteSide | None = None
) -> Procedure:
    if remote_side is None:
        return ReserveConnectionPoint(stream=stream, side=side, local=local_side)
    return ReserveAndConfigureConnectionPoint(
        stream=stream, side=side, local=local_side, remote=remote_side
    )


def configure(
    termination: str, stream: int, side: Side, local_side: LocalSide, remote_side: RemoteSide
) -> Procedure:
    return ConfigureConnectionPoint(
        termination=termination, stream=stream, side=side, local=local_side, remote=remote_side
    )


def release(termination: str = "*") -> Procedure:
    return ReleaseTermination(termination=termination)


_request_ids = iter(range(1, 1 << 30))


async def run(agw: AGW, context: str | None, *procedures: Procedure) -> GatewayResult:
    """Execute a request that must succeed."""
    result = await agw.execute(
        GatewayRequest(request_id=next(_request_ids), context=context, procedures=procedures)
    )
    if isinstance(result, GatewayFailure):
        raise AssertionError(f"AGW refused: {result.code} {result.reason}")
    return result


async def refused(agw: AGW, context: str | None, *procedures: Procedure) -> GatewayFailure:
    """Execute a request that must fail."""
    result = await agw.execute(
        GatewayRequest(request_id=next(_request_ids), context=context, procedures=procedures)
    )
    if not isinstance(result, GatewayFailure):
        raise AssertionError(f"AGW accepted: {result}")
    return result


def reserved(result: GatewayResult, index: int = 0) -> ConnectionPointReserved:
    item = result.results[index]
    assert isinstance(item, ConnectionPointReserved), item
    return item


@attrs.frozen
class Call:
    """One reserved MSRP stream: its context and both terminations."""

    context: str
    access: ConnectionPointReserved
    core: ConnectionPointReserved


async def originating_call(
    agw: AGW,
    fingerprints: tuple[Fingerprint, ...],
    core_port: int | None,
    *,
    access: LocalSide | None = None,
    core: LocalSide | None = None,
) -> Call:
    """The originating e2ae stream: the UE offered ``active`` (AGW passive, TLS server,
    pinning *fingerprints*); the core side connects (``active``) to *core_port*.
    *access*/*core* replace the default LocalSides."""
    result = await run(
        agw,
        None,
        reserve(
            1,
            Side.ACCESS,
            access or local(Side.ACCESS, setup=Setup.PASSIVE, fingerprint=True),
            remote(fingerprints=fingerprints, setup=Setup.ACTIVE),
        ),
        reserve(
            1,
            Side.CORE,
            core or local(Side.CORE, setup=Setup.ACTIVE),
            remote("127.0.0.1", core_port) if core_port is not None else remote(),
        ),
    )
    return Call(result.context, reserved(result, 0), reserved(result, 1))


class Notifications:
    """Collects AGW notifications and lets a test wait for them."""

    def __init__(self) -> None:
        self.items: list[GatewayNotification] = []
        self._event = asyncio.Event()

    def __call__(self, notification: GatewayNotification) -> None:
        self.items.append(notification)
        self._event.set()

    async def wait(self, count: int = 1, timeout: float = 15) -> list[GatewayNotification]:
        async def loop() -> None:
            while len(self.items) < count:
                self._event.clear()
                await self._event.wait()

        await asyncio.wait_for(loop(), timeout)
        return self.items


class TCPSink:
    """A plain TCP peer on the core side that records what it gets (and can answer)."""

    def __init__(self) -> None:
        self.connections: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.received = bytearray()
        self.accepted = asyncio.Event()
        self.eof = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, host: str = "127.0.0.1") -> int:
        self._server = await asyncio.start_server(self._on_client, host, 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections.append((reader, writer))
        self.accepted.set()
        try:
            while data := await reader.read(65536):
                self.received += data
        except ConnectionError:
            pass
        finally:
            self.eof.set()

    def write(self, data: bytes) -> None:
        self.connections[0][1].write(data)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for _, writer in self.connections:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
        await asyncio.sleep(0)


async def gather_bounded(*awaitables: Awaitable[Any], timeout: float = 30) -> list[Any]:
    """``asyncio.gather`` with a timeout."""
    return list(await asyncio.wait_for(asyncio.gather(*awaitables), timeout))
