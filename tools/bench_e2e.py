"""Benchmark: whole e2ae calls per second through the IMS-ALG and the IMS-AGW.

Run as ``./tools/bench e2e [--rates 25,50,100] [--duration S] [--hold S]
[--sends N] [--hold-calls N] [--mode agnostic|aware] [--json FILE]``.

Three processes, each measured on its own (CPU from ``getrusage`` and psutil, RSS
from psutil):

- **ALG** (this process): :class:`~imsalg.drivers.AsyncALG` with one
  :class:`~imsalg.drivers.remote.RemoteGateway` (H.248/UDP), playing the P-CSCF: for
  each call it takes the UE's offer (``TCP/TLS/MSRP``, ``a=3ge2ae:requested``,
  fingerprint, ``a=setup:active``), forwards it, takes the core's answer (``TCP/MSRP``,
  ``a=setup:passive`` on a port its peer listens on already, so it answers at once),
  forwards it, and
  after the MSRP traffic and a holding time sends the release (BYE).
- **AGW**: ``python -m imsalg agw`` under H.248/UDP control, as deployed.
- **load generator** (``bench_e2e.py --loadgen``): the UEs (TLS client with their own
  certificate, the AGW's certificate checked against the SDP fingerprint) and the
  core peers (plain TCP, listening before their call), ``--sends`` MSRP SENDs each way
  per call, every SEND answered 200.

For each offered rate, calls start on a fixed schedule for ``--duration`` seconds
(open loop: a slow system does not slow the offer down); the table gives the calls
completed per second, the set-up latency (UE offer in → answer forwarded to the UE,
as the ALG process sees it; the core answers without delay) and the time to the
first MSRP byte delivered (UE offer in → the UE's first SEND arrives at the core
peer, through TCP and TLS set-up; CLOCK_MONOTONIC is shared by the processes), and
CPU milliseconds per completed call of each process over the step, next to the CPU
share other processes of the machine took meanwhile (it is shared: a busy neighbour
shows up as latency). Memory, measured first (later steps leave freed memory behind
that new calls would reuse): ``--hold-calls`` calls held up at once, each with its
TLS connection and traffic done; the RSS growth per active call of the AGW (and of the
ALG process) is the slope between a quarter of them and all of them. Output: the table
on stdout, and ``bench-out/bench_e2e.{txt,json,png}`` (latency against offered load).
No targets: it measures, on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import resource
import secrets
import signal
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import attrs
import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
HOST = "127.0.0.1"
BODY = b"x" * 100

# -- load generator (child process) -----------------------------------------------------


class _Peer(asyncio.Protocol):
    """A lean MSRP peer for the load: sends SENDs, answers 200, counts both."""

    def __init__(self, own: str, to: str, done: Callable[[], None]) -> None:
        from imsalg.agw.msrp import MSRPParser

        self.own = own
        self.to = to
        self.parser = MSRPParser()
        self.transport: asyncio.Transport | None = None
        self.received = 0
        self.answered = 0
        self.first_at: float | None = None
        self.lost = False
        self._done = done

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        from imsalg.agw.msrp import FrameHead

        if self.first_at is None:
            self.first_at = time.monotonic()
        replies: list[bytes] = []
        for event in self.parser.feed(data):
            if not isinstance(event, FrameHead):
                continue
            if event.method == "SEND":
                self.received += 1
                tid = event.transact_id
                replies.append(
                    f"MSRP {tid} 200 OK\r\nTo-Path: {event.header('From-Path')}\r\n"
                    f"From-Path: {self.own}\r\n-------{tid}$\r\n".encode()
                )
            elif event.status is not None:
                self.answered += 1
        if replies and self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(replies))
        self._done()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._done()

    def send(self, count: int) -> None:
        assert self.transport is not None
        frames = []
        for _ in range(count):
            tid = secrets.token_hex(6)
            frames.append(
                f"MSRP {tid} SEND\r\nTo-Path: {self.to}\r\nFrom-Path: {self.own}\r\n"
                f"Message-ID: {secrets.token_hex(6)}\r\nByte-Range: 1-{len(BODY)}/{len(BODY)}\r\n"
                f"Content-Type: text/plain\r\n\r\n".encode()
                + BODY
                + f"\r\n-------{tid}$\r\n".encode()
            )
        self.transport.write(b"".join(frames))


class _CoreSlot:
    """A core peer listening before its call: the AGW connects to it (a=setup:passive)."""

    def __init__(self, changed: asyncio.Event) -> None:
        self.peer = _Peer("", "", changed.set)
        self.changed = changed
        self.server: asyncio.Server | None = None

    def accept(self) -> _Peer:
        if self.server is not None:
            # One connection per core peer; not closed from inside the factory (the
            # new transport still attaches to the server).
            asyncio.get_running_loop().call_soon(self.server.close)
        return self.peer


async def _listen(slots: dict[int, _CoreSlot], count: int) -> list[int]:
    loop = asyncio.get_running_loop()
    ports = []
    for _ in range(count):
        slot = _CoreSlot(asyncio.Event())
        slot.server = await loop.create_server(slot.accept, HOST, 0)
        port = int(slot.server.sockets[0].getsockname()[1])
        slots[port] = slot
        ports.append(port)
    return ports


async def _load_call(
    command: dict[str, Any], context: ssl.SSLContext, slots: dict[int, _CoreSlot]
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    sends = int(command["sends"])
    slot = slots.pop(int(command["core_port"]))
    changed = slot.changed
    core = slot.peer
    core.own, core.to = command["core_own"], command["core_to"]
    ue = _Peer(command["ue_own"], command["ue_to"], changed.set)
    ue_host, ue_port = command["ue_at"]
    try:
        ue_transport, _ = await loop.create_connection(
            lambda: ue, ue_host, ue_port, ssl=context, server_hostname=None
        )
        der = ue_transport.get_extra_info("ssl_object").getpeercert(binary_form=True)
        if hashlib.sha256(der).hexdigest() != command["agw_sha256"]:
            ue_transport.close()
            return {"k": command["k"], "error": "the AGW certificate is not the one in the SDP"}
        ue.send(sends)
        while core.transport is None:  # the AGW connects to the core peer
            if core.lost:
                return {"k": command["k"], "error": "the core connection was lost"}
            changed.clear()
            await changed.wait()
        core.send(sends)
        while not (
            ue.received >= sends
            and core.received >= sends
            and ue.answered >= sends
            and core.answered >= sends
        ):
            if ue.lost or core.lost:
                return {"k": command["k"], "error": "connection lost before the traffic was done"}
            changed.clear()
            await changed.wait()
        return {"k": command["k"], "first_byte": core.first_at, "done": time.monotonic()}
    finally:
        if slot.server is not None:
            slot.server.close()


async def _loadgen(cert: str, key: str) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # checked by fingerprint, as the UE would
    context.load_cert_chain(cert, key)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tasks: set[asyncio.Task[None]] = set()
    slots: dict[int, _CoreSlot] = {}

    def answer(document: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(document) + "\n")
        sys.stdout.flush()

    async def one(command: dict[str, Any]) -> None:
        try:
            result = await asyncio.wait_for(
                _load_call(command, context, slots), command["timeout"]
            )
        except (OSError, asyncio.TimeoutError, ssl.SSLError) as error:
            result = {"k": command["k"], "error": f"{type(error).__name__}: {error}"}
        answer(result)

    while line := await reader.readline():
        command = json.loads(line)
        if command.get("op") == "listen":
            answer({"k": command["k"], "ports": await _listen(slots, int(command["count"]))})
            continue
        task = loop.create_task(one(command))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    for task in list(tasks):
        task.cancel()
    for slot in slots.values():
        if slot.server is not None:
            slot.server.close()


# -- the ALG side (this process) --------------------------------------------------------


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _busy() -> float:
    """CPU seconds the whole machine spent busy so far (all processes)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    if len(values) == 1:
        return (values[0],) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98]


@attrs.define
class CallRecord:
    offer_at: float = 0.0
    answered_at: float | None = None
    first_byte_at: float | None = None
    done_at: float | None = None
    error: str | None = None


@attrs.frozen
class StepResult:
    offered: float
    started: int
    completed: int
    failed: int
    achieved: float
    setup_ms: tuple[float, float, float]
    first_byte_ms: tuple[float, float, float]
    alg_cpu_ms: float
    agw_cpu_ms: float
    loadgen_cpu_ms: float
    #: Share of the machine's CPU (all cores) used by other processes during the step.
    others_percent: float
    peak_active: int
    errors: tuple[str, ...]


class Bench:
    """The AGW and load generator processes, and the ALG in this one."""

    def __init__(self, options: argparse.Namespace, workdir: Path) -> None:
        self.options = options
        self.workdir = workdir
        self.agw: asyncio.subprocess.Process | None = None
        self.loadgen: asyncio.subprocess.Process | None = None
        self.agw_ps: psutil.Process | None = None
        self.loadgen_ps: psutil.Process | None = None
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.counter = 0
        self.core_ports: list[int] = []
        self.active = 0
        self.peak_active = 0
        self._reader: asyncio.Task[None] | None = None
        self._log: Any = None

    async def start(self) -> None:
        from imsalg.agw.certs import mint_certificate
        from imsalg.alg.config import AlgPolicy
        from imsalg.drivers import AsyncALG
        from imsalg.drivers.remote import RemoteGateway
        from imsalg.iq.procedures import MSRPMode
        from imsalg.sdp.fingerprint import Fingerprint

        ue_cert = mint_certificate("bench-ue")
        cert, key = self.workdir / "ue.crt", self.workdir / "ue.key"
        cert.write_bytes(ue_cert.cert_pem())
        key.touch(mode=0o600)
        key.write_bytes(ue_cert.key_pem())
        self.ue_fingerprint = Fingerprint.of_certificate(ue_cert.der, "sha-256")
        self._log = (OUT / "bench_e2e-agw.log").open("wb")
        self.agw = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "imsalg",
            "--log-level",
            self.options.agw_log_level,
            "agw",
            "--control",
            f"udp:{HOST}:0",
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            cwd=ROOT,
        )
        assert self.agw.stdout is not None
        ready = (await asyncio.wait_for(self.agw.stdout.readline(), 30)).decode()
        if "ready control=udp:" not in ready:
            raise RuntimeError(f"the AGW did not start: {ready!r}")
        control_port = int(ready.strip().rsplit(":", 1)[1])
        self.agw_ps = psutil.Process(self.agw.pid)
        self.loadgen = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).resolve()),
            "--loadgen",
            str(cert),
            str(key),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            limit=1 << 20,
        )
        self.loadgen_ps = psutil.Process(self.loadgen.pid)
        self._reader = asyncio.get_running_loop().create_task(self._read_results())
        self.gateway = await RemoteGateway.connect([(HOST, control_port)])
        policy = AlgPolicy(msrp_mode=MSRPMode(self.options.mode))
        self.alg = AsyncALG(self.gateway, policy)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.alg.close(), 30)
        with contextlib.suppress(Exception):
            await self.gateway.close()
        for process in (self.loadgen, self.agw):
            if process is None or process.returncode is not None:
                continue
            if process is self.loadgen and process.stdin is not None:
                process.stdin.close()
            else:
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 10)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._log is not None:
            self._log.close()

    async def _read_results(self) -> None:
        assert self.loadgen is not None
        assert self.loadgen.stdout is not None
        while line := await self.loadgen.stdout.readline():
            answer = json.loads(line)
            future = self.pending.pop(answer["k"], None)
            if future is not None and not future.done():
                future.set_result(answer)

    async def prepare(self, count: int) -> None:
        """Have *count* core peers listening before the calls that will use them."""
        answer = await self._load({"op": "listen", "k": -1, "count": count})
        self.core_ports = [int(port) for port in answer["ports"]]

    def _load(self, command: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        assert self.loadgen is not None
        assert self.loadgen.stdin is not None
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[command["k"]] = future
        self.loadgen.stdin.write((json.dumps(command) + "\n").encode())
        return future

    # -- one call ------------------------------------------------------------------------

    def _offer(self, k: int) -> tuple[str, str]:
        ue_path = f"msrps://ue{k}.invalid:2855/ue{k};tcp"
        lines = [
            "v=0",
            f"o=- {k} 1 IN IP4 {HOST}",
            "s=-",
            f"c=IN IP4 {HOST}",
            "t=0 0",
            "m=message 9 TCP/TLS/MSRP *",
            "a=accept-types:text/plain",
            f"a=path:{ue_path}",
            "a=setup:active",
            f"a=fingerprint:{self.ue_fingerprint}",
        ]
        if self.options.mode == "agnostic":
            lines.append("a=msrp-cema")
        lines.append("a=3ge2ae:requested")
        return ue_path, "\r\n".join(lines) + "\r\n"

    def _answer(self, k: int, port: int) -> tuple[str, str]:
        core_path = f"msrp://{HOST}:{port}/core{k};tcp"
        lines = [
            "v=0",
            f"o=core {k} 1 IN IP4 {HOST}",
            "s=-",
            f"c=IN IP4 {HOST}",
            "t=0 0",
            f"m=message {port} TCP/MSRP *",
            "a=accept-types:text/plain",
            f"a=path:{core_path}",
            "a=setup:passive",
        ]
        return core_path, "\r\n".join(lines) + "\r\n"

    async def call(self, record: CallRecord, hold: float, *, release: bool = True) -> Any:
        """One whole call; returns the AsyncCall (released unless *release* is false)."""
        from imsalg.iq.procedures import Side
        from imsalg.sdp.media import read_media
        from imsalg.sdp.model import SessionDescription

        self.counter += 1
        k = self.counter
        call = self.alg.call(f"bench-{k}")
        self.active += 1
        self.peak_active = max(self.peak_active, self.active)
        try:
            record.offer_at = time.monotonic()
            ue_path, offer = self._offer(k)
            to_core = await call.sdp(Side.ACCESS, offer)
            core_port = self.core_ports.pop()
            core_path, answer = self._answer(k, core_port)
            to_ue = await call.sdp(Side.CORE, answer)
            record.answered_at = time.monotonic()
            ue_view = read_media(SessionDescription.parse(to_ue), 0)
            core_view = read_media(SessionDescription.parse(to_core), 0)
            assert ue_view.connection is not None
            [fingerprint] = ue_view.fingerprints
            result = await self._load(
                {
                    "k": k,
                    "sends": self.options.sends,
                    "timeout": self.options.call_timeout,
                    "ue_at": [ue_view.connection.host, ue_view.line.port],
                    "core_port": core_port,
                    "agw_sha256": fingerprint.digest.hex(),
                    "ue_own": ue_path,
                    "ue_to": " ".join(uri.format() for uri in ue_view.path),
                    "core_own": core_path,
                    "core_to": " ".join(uri.format() for uri in core_view.path),
                }
            )
            if "error" in result:
                record.error = str(result["error"])
            else:
                record.first_byte_at = float(result["first_byte"])
                record.done_at = float(result["done"])
                await asyncio.sleep(hold)
        except Exception as error:
            record.error = f"{type(error).__name__}: {error}"
        finally:
            if release or record.error is not None:
                with contextlib.suppress(Exception):
                    await call.release()
                self.active -= 1
        return call

    async def release_held(self, calls: list[Any]) -> None:
        for call in calls:
            with contextlib.suppress(Exception):
                await call.release()
            self.active -= 1

    # -- steps ---------------------------------------------------------------------------

    async def _schedule(
        self, rate: float, count: int, start: Callable[[CallRecord], Coroutine[Any, Any, Any]]
    ) -> tuple[list[CallRecord], list[Any]]:
        records = [CallRecord() for _ in range(count)]
        loop = asyncio.get_running_loop()
        begin = loop.time()
        tasks: list[asyncio.Task[Any]] = []
        for index, record in enumerate(records):
            delay = begin + index / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(loop.create_task(start(record)))
        results = await asyncio.wait_for(
            asyncio.gather(*tasks), self.options.call_timeout + 60
        )
        return records, list(results)

    async def step(self, rate: float, duration: float) -> StepResult:
        assert self.agw_ps is not None
        assert self.loadgen_ps is not None
        count = max(1, round(rate * duration))
        await self.prepare(count)
        self.peak_active = self.active
        cpu = (_cpu_self(), _cpu(self.agw_ps), _cpu(self.loadgen_ps), _busy(), time.monotonic())
        records, _ = await self._schedule(
            rate, count, lambda record: self.call(record, self.options.hold)
        )
        alg_cpu = _cpu_self() - cpu[0]
        agw_cpu = _cpu(self.agw_ps) - cpu[1]
        load_cpu = _cpu(self.loadgen_ps) - cpu[2]
        others = _busy() - cpu[3] - alg_cpu - agw_cpu - load_cpu
        capacity = (time.monotonic() - cpu[4]) * (os.cpu_count() or 1)
        good = [r for r in records if r.error is None and r.done_at is not None]
        errors = sorted({r.error for r in records if r.error is not None})
        if good:
            span = max(r.done_at for r in good if r.done_at) - min(r.offer_at for r in records)
        else:
            span = float("nan")
        setup = [1000 * (r.answered_at - r.offer_at) for r in good if r.answered_at]
        first = [1000 * (r.first_byte_at - r.offer_at) for r in good if r.first_byte_at]
        per = 1000 / max(len(good), 1)
        return StepResult(
            offered=rate,
            started=count,
            completed=len(good),
            failed=count - len(good),
            achieved=len(good) / span if good else 0.0,
            setup_ms=_percentiles(setup),
            first_byte_ms=_percentiles(first),
            alg_cpu_ms=alg_cpu * per,
            agw_cpu_ms=agw_cpu * per,
            loadgen_cpu_ms=load_cpu * per,
            others_percent=max(0.0, 100 * others / capacity),
            peak_active=self.peak_active,
            errors=tuple(errors[:5]),
        )

    async def memory(self, count: int, rate: float) -> dict[str, float]:
        """RSS growth per active call: the slope between a quarter of *count* calls held
        up at once and all *count* (fixed costs and allocator warm-up cancel out)."""
        assert self.agw_ps is not None
        me = psutil.Process()
        first = max(1, count // 4)
        held: list[Any] = []
        samples: list[tuple[int, int, int]] = []
        for size in (first, count - first):
            await self.prepare(size)
            records, calls = await self._schedule(
                rate, size, lambda record: self.call(record, 0.0, release=False)
            )
            held += [call for call, r in zip(calls, records, strict=True) if r.error is None]
            await asyncio.sleep(0.5)
            samples.append((len(held), self.agw_ps.memory_info().rss, me.memory_info().rss))
        await self.release_held(held)
        await asyncio.sleep(0.5)
        released = self.agw_ps.memory_info().rss
        (n1, agw1, alg1), (n2, agw2, alg2) = samples
        calls_between = max(n2 - n1, 1)
        return {
            "held_calls": float(n2),
            "agw_kib_per_call": (agw2 - agw1) / 1024 / calls_between,
            "alg_kib_per_call": (alg2 - alg1) / 1024 / calls_between,
            "agw_rss_mib_first": agw1 / 2**20,
            "agw_rss_mib_held": agw2 / 2**20,
            "agw_rss_mib_released": released / 2**20,
            "first_calls": float(n1),
        }


# -- report -----------------------------------------------------------------------------


def _table(steps: list[StepResult], memory: dict[str, float], options: argparse.Namespace) -> str:
    head = (
        f"{'offered/s':>9} {'done/s':>7} {'calls':>6} {'fail':>4} {'active':>6} "
        f"{'setup p50':>9} {'p90':>7} {'p99':>7} {'1st byte p50':>12} {'p90':>7} {'p99':>7} "
        f"{'CPU ms/call ALG':>15} {'AGW':>6} {'loadgen':>7} {'others%':>7}"
    )
    lines = [
        f"e2ae calls through ALG + AGW (H.248/UDP, separate processes), {options.mode} MSRP, "
        f"{options.sends} SENDs each way per call, held {options.hold:g} s; "
        f"latencies in ms; {os.cpu_count()} CPUs",
        head,
    ]
    for s in steps:
        lines.append(
            f"{s.offered:9.0f} {s.achieved:7.1f} {s.completed:6d} {s.failed:4d} {s.peak_active:6d} "
            f"{s.setup_ms[0]:9.2f} {s.setup_ms[1]:7.2f} {s.setup_ms[2]:7.2f} "
            f"{s.first_byte_ms[0]:12.2f} {s.first_byte_ms[1]:7.2f} {s.first_byte_ms[2]:7.2f} "
            f"{s.alg_cpu_ms:15.2f} {s.agw_cpu_ms:6.2f} {s.loadgen_cpu_ms:7.2f} "
            f"{s.others_percent:7.1f}"
        )
        for error in s.errors:
            lines.append(f"          failure: {error}")
    if memory:
        lines.append(
            f"memory: {memory['first_calls']:.0f} → {memory['held_calls']:.0f} calls held at "
            f"once: AGW {memory['agw_kib_per_call']:.1f} KiB RSS per active call "
            f"({memory['agw_rss_mib_first']:.1f} → {memory['agw_rss_mib_held']:.1f} MiB, "
            f"{memory['agw_rss_mib_released']:.1f} MiB after release); ALG process "
            f"{memory['alg_kib_per_call']:.1f} KiB per active call"
        )
    lines.append(
        "others% = CPU used by other processes on the machine during the step (of all "
        f"cores); load average now {os.getloadavg()[0]:.2f}"
    )
    return "\n".join(lines)


def _plot(steps: list[StepResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [s.offered for s in steps]
    figure, axis = plt.subplots(figsize=(8, 5))
    for index, label, style in ((0, "p50", "-o"), (1, "p90", "-s"), (2, "p99", "-^")):
        axis.plot(x, [s.setup_ms[index] for s in steps], style, label=f"set-up {label}")
    for index, label, style in ((0, "p50", "--o"), (2, "p99", "--^")):
        first = [s.first_byte_ms[index] for s in steps]
        axis.plot(x, first, style, label=f"first MSRP byte {label}")
    axis.set_xlabel("offered load (calls/s)")
    axis.set_ylabel("latency from the UE offer (ms)")
    axis.set_yscale("log")
    axis.grid(True, which="both", alpha=0.3)
    achieved = axis.twinx()
    achieved.plot(x, [s.achieved for s in steps], ":k", label="completed calls/s")
    achieved.plot(x, x, "-", color="0.8", label="(offered calls/s)")
    achieved.set_ylabel("completed calls/s")
    lines, labels = axis.get_legend_handles_labels()
    more, more_labels = achieved.get_legend_handles_labels()
    axis.legend(lines + more, labels + more_labels, loc="upper left", fontsize="small")
    axis.set_title("imsalg e2ae call set-up: ALG + AGW (H.248/UDP) on loopback")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


async def _main(options: argparse.Namespace) -> int:
    OUT.mkdir(exist_ok=True)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    rates = [float(rate) for rate in options.rates.split(",") if rate]
    with tempfile.TemporaryDirectory() as workdir:
        bench = Bench(options, Path(workdir))
        try:
            await bench.start()
            await bench.step(options.warmup_rate, 0.5)  # warm-up: not reported
            # Memory first: later steps leave freed memory that held calls would reuse.
            memory = (
                await bench.memory(options.hold_calls, options.warmup_rate)
                if options.hold_calls
                else {}
            )
            steps = []
            for rate in rates:
                result = await bench.step(rate, options.duration)
                steps.append(result)
                print(
                    f"  {rate:g}/s: {result.completed}/{result.started} calls, "
                    f"{result.achieved:.1f}/s, set-up p50 {result.setup_ms[0]:.1f} ms",
                    file=sys.stderr,
                )
        finally:
            await bench.close()
    text = _table(steps, memory, options)
    print(text)
    (OUT / "bench_e2e.txt").write_text(text + "\n")
    _plot(steps, OUT / "bench_e2e.png")
    document = {
        "steps": [attrs.asdict(step) for step in steps],
        "memory": memory,
        "options": vars(options),
    }
    target = Path(options.json) if options.json else OUT / "bench_e2e.json"
    target.write_text(json.dumps(document, indent=2) + "\n")
    print(f"table, plot and JSON: {OUT / 'bench_e2e.txt'}, {OUT / 'bench_e2e.png'}, {target}")
    return 0 if all(step.failed == 0 for step in steps) else 1


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--loadgen":
        asyncio.run(_loadgen(sys.argv[2], sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="25,50,100,150,200", help="offered calls/s, comma list")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of offer per rate")
    parser.add_argument("--hold", type=float, default=0.5, help="seconds a call stays up")
    parser.add_argument("--sends", type=int, default=3, help="MSRP SENDs each way per call")
    parser.add_argument("--hold-calls", type=int, default=300, help="calls held for RSS")
    parser.add_argument("--warmup-rate", type=float, default=50.0)
    parser.add_argument("--call-timeout", type=float, default=30.0)
    parser.add_argument("--mode", choices=["agnostic", "aware"], default="agnostic")
    parser.add_argument("--agw-log-level", default="warning", help="into bench-out/")
    parser.add_argument("--json", help="also write the results here")
    options = parser.parse_args()
    return asyncio.run(_main(options))


if __name__ == "__main__":
    sys.exit(main())
