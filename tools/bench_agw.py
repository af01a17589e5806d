"""Benchmark: the IMS-AGW relay against socat, and its handshakes and memory, in one run.

Run as ``./tools/bench agw [--mib N] [--repeat R] [--handshakes N] [--sessions N]
[--only throughput,plain,handshakes,rss,counting] [--json FILE]``.

Every figure is measured in this run, on this machine, next to its reference:

- **TLS relay throughput and CPU-s/GiB** — a UE-side TLS client (Python ``ssl``, client
  certificate) sends MSRP SEND chunks of 1 MiB through the relay to a plain TCP sink,
  then the other way (the relay encrypts). The relay is the AGW (one e2ae stream,
  application-agnostic, counting MSRP frames) or ``socat OPENSSL-LISTEN:…,verify=0
  TCP:…``, both in their own process; the same cipher is used for both (TLS 1.3:
  AES-256-GCM, the Python client's preference that socat follows; TLS 1.2:
  ECDHE-ECDSA-AES128-GCM-SHA256). CPU is user+system time of the relay process
  (from /proc) over the transfer; the load generator's own CPU (``getrusage``) is shown too.
- **plain relay** — the same with TCP on both sides, against ``socat TCP-LISTEN TCP``.
- **handshakes per second per core** — N TLS terminations, each with its own EC P-256
  certificate and the UE's fingerprint; clients connect, complete a handshake with a
  client certificate, close. Handshakes divided by the AGW's CPU seconds (accept,
  handshake, fingerprint check and teardown included). Reference: ``openssl s_server
  -Verify 1`` doing the same handshakes (it checks the client against a CA file).
- **RSS per idle TLS session** — 1,000 e2ae streams reserved, each with a UE connected
  over TLS and one SEND/200 exchanged, then idle; RSS growth of the AGW process per
  session (after ``gc.collect()``), counted from before the reservations and from
  after them (connections only). The start is taken after one warm-up session
  (reserved, connected, one SEND/200, released): what the process sets up once, on
  its first stream and handshake (~2.4 MiB: lazy imports, OpenSSL's algorithm
  caches...), is no cost per session, yet divided by the session count it made the
  figure depend on it (~87 KiB at 100 sessions, ~40 at 1,000, ~38 at 2,000). The
  growth from the cold process is shown beside it.

- **frame counting** (no target, in this process) — CPU-s/GiB of counting MSRP frames
  the way the agnostic relay does (``FrameCounter``) and with the validating parser
  (``MSRPParser(count_only=True)``), on streams of 1 MiB, 2 KiB and 200-octet frames
  fed in 256 KiB reads: the relay cases above use 1 MiB frames only.

Targets: ≥ 0.95× socat throughput, ≤ 0.9 CPU-s/GiB (TLS), ≥ 1,800 handshakes/s/core,
≤ 32 KiB RSS per idle session. The machine has few cores: relay and load generator
share them, the same way for the AGW and for socat.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import ctypes
import gc
import json
import os
import platform
import resource
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs
from OpenSSL import SSL

from imsalg.agw import AGW, AGWConfig, TLSProfile, TLSVersion
from imsalg.agw.certs import mint_certificate
from imsalg.iq.procedures import (
    ConnectionPointReserved,
    GatewayFailure,
    GatewayRequest,
    LocalSide,
    RemoteSide,
    ReserveAndConfigureConnectionPoint,
    Side,
    StreamMode,
    Transport,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint

TARGET_RATIO = 0.95
TARGET_CPU_PER_GIB = 0.9
TARGET_HANDSHAKES = 1800.0
TARGET_RSS_KIB = 32.0
BLOCK = 1 << 20
GIB = float(1 << 30)

# -- the AGW under test, in its own process ---------------------------------------------


def _serve(options: dict[str, Any]) -> None:
    profile_to = options.get("profile")
    profiler = cProfile.Profile() if profile_to else None
    try:
        asyncio.run(_serve_async(options, profiler))
    finally:
        if profiler is not None and profile_to:
            profiler.dump_stats(profile_to)


async def _serve_async(options: dict[str, Any], profiler: cProfile.Profile | None) -> None:
    profile = TLSProfile(
        min_version=TLSVersion(options["min_version"]),
        max_version=TLSVersion(options["max_version"]),
        ciphersuites=tuple(options["ciphersuites"]),
    )
    config = AGWConfig(tls=profile, cert_pool_size=0, count_messages=options["count"])
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    contexts: list[str] = []
    request_id = 0
    async with AGW(config) as agw:
        while line := await reader.readline():
            command = json.loads(line)
            op = command["op"]
            answer: dict[str, Any] = {}
            if op == "reserve":
                ports = []
                tls = command["transport"] == "tls"
                fingerprint = Fingerprint.parse(command["fingerprint"]) if tls else None
                for _ in range(command["count"]):
                    request_id += 1
                    procedures: list[Any] = [
                        ReserveAndConfigureConnectionPoint(
                            stream=1,
                            side=Side.ACCESS,
                            local=LocalSide(
                                realm="access",
                                transport=Transport.TCP_TLS_MSRP if tls else Transport.TCP_MSRP,
                                setup=Setup.PASSIVE,
                                mode=StreamMode.SENDRECV,
                            ),
                            remote=RemoteSide(fingerprints=(fingerprint,) if fingerprint else ()),
                        )
                    ]
                    if command.get("core_port"):
                        procedures.append(
                            ReserveAndConfigureConnectionPoint(
                                stream=1,
                                side=Side.CORE,
                                local=LocalSide(
                                    realm="core",
                                    transport=Transport.TCP_MSRP,
                                    setup=Setup.ACTIVE,
                                    mode=StreamMode.SENDRECV,
                                ),
                                remote=RemoteSide(address="127.0.0.1", port=command["core_port"]),
                            )
                        )
                    result = await agw.execute(
                        GatewayRequest(
                            request_id=request_id, context=None, procedures=tuple(procedures)
                        )
                    )
                    if isinstance(result, GatewayFailure):
                        raise RuntimeError(result.reason)
                    contexts.append(result.context)
                    access = result.results[0]
                    assert isinstance(access, ConnectionPointReserved)
                    ports.append(access.port)
                answer["ports"] = ports
            elif op == "measure":
                # Only the measured phases go into the profile (not reservations).
                if profiler is not None:
                    if command["on"]:
                        profiler.enable()
                    else:
                        profiler.disable()
            elif op == "release":
                for context in contexts:
                    await agw.execute(
                        GatewayRequest(
                            request_id=request_id,
                            context=context,
                            procedures=(ReleaseAll,),
                        )
                    )
                contexts.clear()
            elif op == "stats":
                gc.collect()
                if command.get("trim"):
                    with contextlib.suppress(OSError, AttributeError):
                        ctypes.CDLL("libc.so.6").malloc_trim(0)
                usage = resource.getrusage(resource.RUSAGE_SELF)
                answer["cpu"] = usage.ru_utime + usage.ru_stime
                answer["rss"] = _rss(os.getpid())
                answer["counters"] = attrs.asdict(agw.counters)
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()


def _release_all() -> Any:
    from imsalg.iq.procedures import ReleaseTermination

    return ReleaseTermination(termination="*")


ReleaseAll = _release_all()


class AGWProcess:
    """The AGW in a child process, driven by JSON lines on its stdin."""

    #: When set, each AGW process writes a cProfile dump into this directory.
    profile_dir: Path | None = None
    _profiles = 0

    def __init__(
        self, *, tls12: bool = False, ciphersuites: tuple[str, ...] = (), count: bool = True
    ) -> None:
        profile = None
        if AGWProcess.profile_dir is not None:
            AGWProcess._profiles += 1
            profile = str(AGWProcess.profile_dir / f"agw-{AGWProcess._profiles}.prof")
        self.profiling = profile is not None
        options = {
            "profile": profile,
            "min_version": "TLSv1.2",
            "max_version": "TLSv1.2" if tls12 else "TLSv1.3",
            "ciphersuites": list(ciphersuites or TLSProfile().ciphersuites),
            "count": count,
        }
        self.process = subprocess.Popen(
            [sys.executable, __file__, "_serve", json.dumps(options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def call(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the AGW process ended")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def cpu(self) -> float:
        return _cpu(self.process.pid)

    def measure(self, on: bool) -> None:
        """Start or stop the profiler (with ``--profile``) around a measured phase."""
        if self.profiling:
            self.call(op="measure", on=on)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


# -- measuring other processes (Linux /proc) ------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User + system CPU seconds of process *pid* (all its threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (proc(5))


def _rss(pid: int) -> int:
    """Resident set size of process *pid* in octets."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


# -- peers and load -------------------------------------------------------------------


@attrs.frozen
class Files:
    ue_cert: Path
    ue_key: Path
    ue_fingerprint: Fingerprint
    relay_cert: Path
    relay_key: Path


def make_files(directory: Path) -> Files:
    ue = mint_certificate("bench-ue")
    relay = mint_certificate("bench-relay")
    paths = {}
    for name, cert in (("ue", ue), ("relay", relay)):
        (directory / f"{name}.crt").write_bytes(cert.cert_pem())
        key = directory / f"{name}.key"
        key.touch(mode=0o600)
        key.write_bytes(cert.key_pem())
        paths[name] = (directory / f"{name}.crt", key)
    return Files(
        paths["ue"][0], paths["ue"][1], ue.fingerprint(), paths["relay"][0], paths["relay"][1]
    )


def client_context(files: Files, *, tls12: bool) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.load_cert_chain(files.ue_cert, files.ue_key)
    if tls12:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
    else:
        context.minimum_version = ssl.TLSVersion.TLSv1_3
    return context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, timeout: float = 10) -> None:
    wanted = f"0100007F:{port:04X}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/net/tcp") as table:
            if any(
                line.split()[1] == wanted and line.split()[3] == "0A"
                for line in table.readlines()[1:]
            ):
                return
        time.sleep(0.01)
    raise TimeoutError(f"nothing listens on {port}")


def msrp_block() -> bytes:
    """One SEND chunk of about 1 MiB (RFC 4975 §7.1) with an incompressible body."""
    body = os.urandom(BLOCK - 300)
    head = (
        "MSRP b3nch000 SEND\r\nTo-Path: msrp://127.0.0.1:2855/core;tcp\r\n"
        "From-Path: msrps://127.0.0.1:2855/ue;tcp\r\nMessage-ID: bench\r\n"
        f"Byte-Range: 1-{len(body)}/*\r\nContent-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + body + b"\r\n-------b3nch000+\r\n"


class Socat:
    """A socat relay process (one connection, no fork)."""

    def __init__(self, argv: list[str], port: int) -> None:
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_listening(port)

    def cpu(self) -> float:
        return _cpu(self.process.pid)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()


@attrs.frozen
class Transfer:
    seconds: float
    octets: int
    relay_cpu: float
    load_cpu: float
    cipher: str

    @property
    def mib_per_s(self) -> float:
        return self.octets / self.seconds / (1 << 20)

    @property
    def cpu_per_gib(self) -> float:
        return self.relay_cpu / (self.octets / GIB)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def transfer(
    relay_port: int,
    core: socket.socket,
    relay_cpu: Callable[[], float],
    *,
    context: ssl.SSLContext | None,
    blocks: int,
    upload: bool,
    measure: Callable[[bool], object] | None = None,
) -> Transfer:
    """Move ``blocks`` MiB through the relay; *core* is the listening core-side socket.

    *measure* is told when the measured transfer starts (True) and ends (False).
    """
    block = msrp_block()
    total = len(block) * blocks
    accepted: list[socket.socket] = []
    ready = threading.Event()
    go = threading.Event()
    finished: list[float] = []

    def core_side() -> None:
        conn, _ = core.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        accepted.append(conn)
        ready.set()
        if upload:
            _drain(conn, total)
            finished.append(time.perf_counter())
        else:
            go.wait()
            for _ in range(blocks):
                conn.sendall(block)

    thread = threading.Thread(target=core_side, daemon=True)
    thread.start()
    raw = socket.create_connection(("127.0.0.1", relay_port))
    ue: socket.socket = context.wrap_socket(raw) if context is not None else raw
    cipher = "none"
    if isinstance(ue, ssl.SSLSocket):
        description = ue.cipher()
        cipher = f"{ue.version()} {description[0] if description else '?'}"
    if not ready.wait(10):
        raise RuntimeError("the relay did not connect to the core side")
    if measure is not None:
        measure(True)
    cpu0, own0 = relay_cpu(), _own_cpu()
    start = time.perf_counter()
    if upload:
        for _ in range(blocks):
            ue.sendall(block)
        thread.join(120)
        end = finished[0]
    else:
        go.set()
        _drain(ue, total)
        end = time.perf_counter()
        thread.join(120)
    cpu1, own1 = relay_cpu(), _own_cpu()
    if measure is not None:
        measure(False)
    ue.close()
    for conn in accepted:
        conn.close()
    return Transfer(end - start, total, cpu1 - cpu0, own1 - own0, cipher)


def _drain(conn: socket.socket, total: int) -> None:
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    left = total
    while left > 0:
        got = conn.recv_into(view)
        if not got:
            raise ConnectionError(f"closed with {left} octets missing")
        left -= got


@contextlib.contextmanager
def core_listener() -> Iterator[socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield sock
    finally:
        sock.close()


@attrs.frozen
class RelayFigures:
    """Best transfers of one case: the AGW as shipped, the AGW not counting MSRP
    frames, and socat."""

    agw: Transfer
    agw_uncounted: Transfer
    socat: Transfer

    @property
    def ratio(self) -> float:
        return self.agw.mib_per_s / self.socat.mib_per_s


def _agw_transfer(
    files: Files, *, tls: bool, tls12: bool, count: bool, context: ssl.SSLContext | None,
    blocks: int, upload: bool,
) -> Transfer:  # fmt: skip
    # TLS 1.3: offer AES-256-GCM first, the suite socat takes from the Python client.
    suites = ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
    with core_listener() as core:
        agw = AGWProcess(tls12=tls12, ciphersuites=suites, count=count)
        try:
            (port,) = agw.call(
                op="reserve",
                count=1,
                transport="tls" if tls else "tcp",
                fingerprint=str(files.ue_fingerprint),
                core_port=core.getsockname()[1],
            )["ports"]
            return transfer(
                port, core, agw.cpu, context=context, blocks=blocks, upload=upload,
                measure=agw.measure,
            )  # fmt: skip
        finally:
            agw.close()


def _socat_transfer(
    files: Files, *, tls: bool, context: ssl.SSLContext | None, blocks: int, upload: bool
) -> Transfer:
    socat = shutil.which("socat")
    if socat is None:
        raise SystemExit("socat is needed for the reference (apt-get install socat)")
    with core_listener() as core:
        port = free_port()
        if tls:
            listen = (
                f"OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,cert={files.relay_cert},"
                f"key={files.relay_key},verify=0"
            )
        else:
            listen = f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"
        relay = Socat([socat, listen, f"TCP:127.0.0.1:{core.getsockname()[1]}"], port)
        try:
            return transfer(port, core, relay.cpu, context=context, blocks=blocks, upload=upload)
        finally:
            relay.close()


def bench_relay(
    files: Files, *, tls: bool, tls12: bool, upload: bool, blocks: int, repeat: int
) -> RelayFigures:
    """Best of *repeat* (highest throughput) for each relay, runs interleaved."""
    context = client_context(files, tls12=tls12) if tls else None
    runs: dict[str, list[Transfer]] = {"agw": [], "uncounted": [], "socat": []}
    for _ in range(repeat):
        for count, key in ((True, "agw"), (False, "uncounted")):
            runs[key].append(
                _agw_transfer(
                    files,
                    tls=tls,
                    tls12=tls12,
                    count=count,
                    context=context,
                    blocks=blocks,
                    upload=upload,
                )
            )
        runs["socat"].append(
            _socat_transfer(files, tls=tls, context=context, blocks=blocks, upload=upload)
        )
    best = {key: max(items, key=lambda run: run.mib_per_s) for key, items in runs.items()}
    return RelayFigures(best["agw"], best["uncounted"], best["socat"])


# -- handshakes -------------------------------------------------------------------------


def _handshake_clients(ports: list[int], context: ssl.SSLContext, threads: int) -> float:
    """Connect once to every port (one TLS handshake each); return the wall time."""
    slices = [ports[i::threads] for i in range(threads)]
    errors: list[BaseException] = []

    def work(chunk: list[int]) -> None:
        try:
            for port in chunk:
                with (
                    socket.create_connection(("127.0.0.1", port)) as raw,
                    context.wrap_socket(raw) as tls,
                ):
                    tls.getpeercert(binary_form=True)
        except BaseException as error:  # reported after the run
            errors.append(error)

    start = time.perf_counter()
    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in slices]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def bench_handshakes(files: Files, count: int) -> dict[str, float]:
    context = client_context(files, tls12=False)
    agw = AGWProcess()
    try:
        ports = agw.call(
            op="reserve", count=count, transport="tls", fingerprint=str(files.ue_fingerprint)
        )["ports"]
        agw.measure(True)
        before = agw.call(op="stats")
        own0 = _own_cpu()
        wall = _handshake_clients(ports, context, threads=4)
        time.sleep(0.5)  # let the AGW finish the last teardowns
        after = agw.call(op="stats")
        agw.measure(False)
        own1 = _own_cpu()
    finally:
        agw.close()
    done = after["counters"]["handshakes_ok"] - before["counters"]["handshakes_ok"]
    cpu = after["cpu"] - before["cpu"]
    if done != count:
        raise RuntimeError(f"{done} of {count} handshakes succeeded")
    result = {
        "handshakes": float(done),
        "agw_cpu_s": cpu,
        "per_core": done / cpu,
        "wall_rate": done / wall,
        "load_cpu_s": own1 - own0,
    }
    openssl = shutil.which("openssl")
    if openssl is not None:
        port = free_port()
        argv = [
            openssl, "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", str(count),
            "-cert", str(files.relay_cert), "-key", str(files.relay_key), "-quiet",
            "-Verify", "1", "-CAfile", str(files.ue_cert), "-verify_return_error",
        ]  # fmt: skip
        server = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_listening(port)
            cpu0 = _cpu(server.pid)
            _handshake_clients([port] * count, context, threads=4)
            used = _cpu(server.pid) - cpu0
            result["openssl_per_core"] = count / used if used > 0 else float("nan")
        finally:
            server.kill()
            server.wait(10)
    return result


# -- RSS per idle session ----------------------------------------------------------------


async def _idle_sessions(ports: list[int], context: ssl.SSLContext, core: socket.socket) -> Any:
    """Connect a UE to every port, exchange one SEND/200 each; keep them open."""
    send = (
        b"MSRP idle0001 SEND\r\nTo-Path: msrp://127.0.0.1:2855/core;tcp\r\n"
        b"From-Path: msrps://127.0.0.1:2855/ue;tcp\r\nMessage-ID: 1\r\nByte-Range: 1-5/5\r\n"
        b"Content-Type: text/plain\r\n\r\nhello\r\n-------idle0001$\r\n"
    )
    ok = (
        b"MSRP idle0001 200 OK\r\nTo-Path: msrps://127.0.0.1:2855/ue;tcp\r\n"
        b"From-Path: msrp://127.0.0.1:2855/core;tcp\r\n-------idle0001$\r\n"
    )
    writers: list[asyncio.StreamWriter] = []

    async def on_core(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.readexactly(len(send))
        writer.write(ok)

    server = await asyncio.start_server(on_core, sock=core)
    limit = asyncio.Semaphore(100)

    async def ue(port: int) -> asyncio.StreamWriter:
        async with limit:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=context, server_hostname=""
            )
            writer.write(send)
            if await reader.readexactly(len(ok)) != ok:
                raise RuntimeError("wrong 200")
            return writer

    ues = await asyncio.gather(*(ue(port) for port in ports))
    return server, writers, ues


def _warm_up(agw: AGWProcess, files: Files, context: ssl.SSLContext, loop: Any) -> None:
    """One session through its whole life (reserve, TLS, SEND/200, release): what the
    AGW process initialises once is then done before the measured sessions."""
    with core_listener() as core:
        ports = agw.call(
            op="reserve",
            count=1,
            transport="tls",
            fingerprint=str(files.ue_fingerprint),
            core_port=core.getsockname()[1],
        )["ports"]
        server, core_writers, ues = loop.run_until_complete(_idle_sessions(ports, context, core))
        for writer in [*ues, *core_writers]:
            writer.close()
        server.close()
        agw.call(op="release")
        loop.run_until_complete(asyncio.sleep(0.2))


def bench_rss(files: Files, sessions: int) -> dict[str, float]:
    context = client_context(files, tls12=False)
    agw = AGWProcess()
    loop = asyncio.new_event_loop()
    try:
        with core_listener() as core:
            cold = agw.call(op="stats")
            _warm_up(agw, files, context, loop)
            base = agw.call(op="stats")
            ports = agw.call(
                op="reserve",
                count=sessions,
                transport="tls",
                fingerprint=str(files.ue_fingerprint),
                core_port=core.getsockname()[1],
            )["ports"]
            reserved = agw.call(op="stats")
            server, core_writers, ues = loop.run_until_complete(
                _idle_sessions(ports, context, core)
            )
            loop.run_until_complete(asyncio.sleep(0.5))
            idle = agw.call(op="stats")
            trimmed = agw.call(op="stats", trim=True)
            for writer in [*ues, *core_writers]:
                writer.close()
            server.close()
            loop.run_until_complete(asyncio.sleep(0.2))
        established = idle["counters"]["handshakes_ok"] - base["counters"]["handshakes_ok"]
        if established != sessions:
            raise RuntimeError(f"{established} of {sessions} sessions established")
    finally:
        agw.close()
        loop.close()
    kib = 1024.0 * sessions
    return {
        "sessions": float(sessions),
        "rss_cold_mib": cold["rss"] / (1 << 20),
        "rss_start_mib": base["rss"] / (1 << 20),
        "rss_idle_mib": idle["rss"] / (1 << 20),
        "per_session_kib": (idle["rss"] - base["rss"]) / kib,
        "per_connection_kib": (idle["rss"] - reserved["rss"]) / kib,
        "per_session_trimmed_kib": (trimmed["rss"] - base["rss"]) / kib,
        "per_session_from_cold_kib": (idle["rss"] - cold["rss"]) / kib,
    }


# -- report -------------------------------------------------------------------------------


def _mark(ok: bool, target: str) -> str:
    return "ok" if ok else f"MISSED (target {target})"


def _per_gib(seconds: float, run: Transfer) -> float:
    return seconds / (run.octets / GIB)


def report_relay(name: str, tls: bool, figures: RelayFigures) -> dict[str, Any]:
    agw, bare, socat = figures.agw, figures.agw_uncounted, figures.socat
    cpu_ok = not tls or agw.cpu_per_gib <= TARGET_CPU_PER_GIB
    print(
        f"{name:17} {agw.cipher:35} {agw.mib_per_s:6.0f} {bare.mib_per_s:6.0f}"
        f" {socat.mib_per_s:6.0f} {figures.ratio:5.2f}"
        f"  {agw.cpu_per_gib:5.2f} {bare.cpu_per_gib:5.2f} {socat.cpu_per_gib:5.2f}"
        f"  {_per_gib(agw.load_cpu, agw):4.2f}/{_per_gib(socat.load_cpu, socat):4.2f}"
        f"  {_mark(figures.ratio >= TARGET_RATIO, f'>= {TARGET_RATIO}x socat')},"
        f" {_mark(cpu_ok, f'<= {TARGET_CPU_PER_GIB} CPU-s/GiB')}"
    )
    return {
        key: attrs.asdict(run) | {"mib_per_s": run.mib_per_s, "cpu_per_gib": run.cpu_per_gib}
        for key, run in (("agw", agw), ("agw_uncounted", bare), ("socat", socat))
    } | {"ratio": figures.ratio}


def report_handshakes(result: dict[str, float]) -> None:
    ok = _mark(result["per_core"] >= TARGET_HANDSHAKES, f">= {TARGET_HANDSHAKES}/s per core")
    print(
        f"\nhandshakes (TLS 1.3, ECDSA P-256 both sides, client certificate pinned by"
        f" fingerprint; accept and teardown included): {result['handshakes']:.0f} in"
        f" {result['agw_cpu_s']:.2f} AGW CPU-s = {result['per_core']:.0f}/s per core"
        f" (wall {result['wall_rate']:.0f}/s, load {result['load_cpu_s']:.2f} CPU-s)  {ok}"
    )
    if "openssl_per_core" in result:
        print(
            f"  reference openssl s_server -Verify 1: {result['openssl_per_core']:.0f}/s per core"
        )


def report_rss(rss: dict[str, float]) -> None:
    print(
        f"\nRSS, {rss['sessions']:.0f} idle TLS sessions: {rss['rss_start_mib']:.1f} ->"
        f" {rss['rss_idle_mib']:.1f} MiB = {rss['per_session_kib']:.1f} KiB per session"
        f" (reservation + connections; {rss['per_connection_kib']:.1f} KiB for the"
        f" connections alone; {rss['per_session_trimmed_kib']:.1f} KiB after malloc_trim)"
        f"  {_mark(rss['per_session_kib'] <= TARGET_RSS_KIB, f'<= {TARGET_RSS_KIB} KiB')}"
    )
    print(
        f"  from the cold process ({rss['rss_cold_mib']:.1f} MiB, before one warm-up session):"
        f" {rss['per_session_from_cold_kib']:.1f} KiB per session"
    )


# -- frame counting ----------------------------------------------------------------------


def _frames_stream(body: int, total: int) -> bytes:
    """SEND frames of *body* random octets, at least *total* octets in all."""
    frames = []
    size = number = 0
    while size < total:
        payload = os.urandom(body)
        frame = (
            (
                f"MSRP c{number:07d} SEND\r\nTo-Path: msrp://127.0.0.1:2855/core;tcp\r\n"
                "From-Path: msrps://127.0.0.1:2855/ue;tcp\r\nMessage-ID: count\r\n"
                f"Byte-Range: 1-{body}/{body}\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + payload
            + f"\r\n-------c{number:07d}$\r\n".encode()
        )
        frames.append(frame)
        size += len(frame)
        number += 1
    return b"".join(frames)


def bench_counting(size: int = 3 << 20, read: int = 256 << 10) -> dict[str, dict[str, float]]:
    """CPU-s/GiB of FrameCounter and of the counting parser per frame size: a stream of
    *size* octets (small enough to stay in cache, as a relay's fresh reads are) counted
    again and again, 32 MiB in all."""
    from imsalg.agw.msrp import FrameCounter, MSRPParser

    rounds = max(1, (32 << 20) // size)
    result: dict[str, dict[str, float]] = {}
    for name, body in (("1 MiB", BLOCK - 300), ("2 KiB", 2048), ("200 B", 200)):
        data = _frames_stream(body, size)
        reads = [data[i : i + read] for i in range(0, len(data), read)]
        figures: dict[str, float] = {}
        for kind, make in (
            ("counter", FrameCounter),
            ("parser", lambda: MSRPParser(count_only=True)),
        ):
            start = time.process_time()
            for _ in range(rounds):
                counter = make()
                for piece in reads:
                    counter.feed(piece)
            figures[kind] = (time.process_time() - start) / (rounds * len(data) / GIB)
            figures[f"{kind}_frames"] = float(counter.frames)
        if figures["counter_frames"] != figures["parser_frames"]:
            raise RuntimeError(f"{name}: the counts differ: {figures}")
        result[name] = figures
    return result


def report_counting(result: dict[str, dict[str, float]]) -> None:
    cases = ", ".join(
        f"{name} {figures['counter']:.2f} vs {figures['parser']:.2f}"
        for name, figures in result.items()
    )
    print(
        "\nframe counting, CPU-s/GiB, FrameCounter (agnostic relay) vs MSRPParser(count_only),"
        f" by frame size: {cases}"
    )


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["_serve"]:
        _serve(json.loads(args[1]))
        return 0
    parser = argparse.ArgumentParser(prog="tools/bench agw", description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=512, help="MiB per transfer (default 512)")
    parser.add_argument("--repeat", type=int, default=3, help="transfers per relay, best kept")
    parser.add_argument("--handshakes", type=int, default=3000)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--only", default="throughput,plain,handshakes,rss,counting")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile dump per AGW process here (measured phases)"
    )
    options = parser.parse_args(args)
    if options.profile is not None:
        options.profile.mkdir(parents=True, exist_ok=True)
        AGWProcess.profile_dir = options.profile
    wanted = set(options.only.split(","))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 16384), hard), hard))
    print(
        f"python {platform.python_version()}, pyOpenSSL {metadata.version('pyOpenSSL')} on"
        f" {SSL.SSLeay_version(SSL.SSLEAY_VERSION).decode()}, Python ssl on {ssl.OPENSSL_VERSION},"
        f" {os.cpu_count()} CPUs"
    )
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-agw-") as tmp:
        files = make_files(Path(tmp))
        relay_cases = []
        if "throughput" in wanted:
            relay_cases += [
                ("TLS 1.3 UE->core", True, False, True),
                ("TLS 1.3 core->UE", True, False, False),
                ("TLS 1.2 UE->core", True, True, True),
                ("TLS 1.2 core->UE", True, True, False),
            ]
        if "plain" in wanted:
            relay_cases += [
                ("TCP UE->core", False, False, True),
                ("TCP core->UE", False, False, False),
            ]
        if relay_cases:
            print(
                f"\nrelay, {options.mib} MiB per transfer, best of {options.repeat};"
                " MiB/s and relay CPU-s/GiB for: AGW, AGW not counting MSRP frames, socat"
            )
            print(
                f"{'case':17} {'cipher':35} {'AGW':>6} {'AGW-nc':>6} {'socat':>6} {'ratio':>5}"
                f"  {'AGW':>5} {'nc':>5} {'socat':>5}  load CPU-s/GiB"
            )
        for name, tls, tls12, upload in relay_cases:
            result = bench_relay(
                files, tls=tls, tls12=tls12, upload=upload, blocks=options.mib,
                repeat=options.repeat,
            )  # fmt: skip
            figures[name] = report_relay(name, tls, result)
        if "handshakes" in wanted:
            figures["handshakes"] = bench_handshakes(files, options.handshakes)
            report_handshakes(figures["handshakes"])
        if "rss" in wanted:
            figures["rss"] = bench_rss(files, options.sessions)
            report_rss(figures["rss"])
        if "counting" in wanted:
            figures["counting"] = bench_counting()
            report_counting(figures["counting"])
    if options.json is not None:
        options.json.write_text(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
