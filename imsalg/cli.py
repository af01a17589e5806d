"""Command-line interface.

``imsalg rewrite --from {access,core} --state STATE [--plan PLAN] [--config CONFIG]
[--no-ue-e2ae] [--iq FILE] [--commands FILE [--compact]] [--gateway DEST] [INPUT]``
reads one SDP and prints the SDP to forward. STATE (JSON) holds the call and, for the
offline AGW, its state too; it is created when absent and replaced atomically. With
``--gateway udp:HOST:PORT`` (or ``tcp:``, or a domain name located by DNS) the call runs
against a live IMS-AGW over H.248 and STATE keeps the H.248 context ids, so the next
invocation continues the same call; ``--release`` subtracts it.

``imsalg agw`` runs the bundled IMS-AGW under H.248 control; ``imsalg h248`` decodes and
re-encodes H.248 text; ``imsalg demo`` shows a whole call flow.

A refusal prints one line ``imsalg: <status> <reason>: <detail>`` on stderr, nothing on
stdout, leaves STATE untouched and exits 1. Usage and configuration errors exit 2. No
traceback is shown for bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from imsalg import __version__
from imsalg.alg.config import AlgPolicy, ConfigError, policy_from_mapping
from imsalg.alg.driver import Exchange, SyncDriver
from imsalg.alg.engine import Call
from imsalg.alg.events import Action, ReleaseCall, SDPReceived
from imsalg.alg.offline import OfflineGateway, OfflineGatewayConfig, OfflineGatewayState
from imsalg.alg.plan import plan_json
from imsalg.alg.serialize import StateFormatError, from_json, to_json
from imsalg.alg.state import CallState
from imsalg.errors import H248SyntaxError, IMSALGError
from imsalg.h248 import model as m
from imsalg.iq.describe import describe_reply, describe_request
from imsalg.iq.procedures import GatewayResult, Side
from imsalg.iq.profile import DEFAULT_PROFILE, IqProfile
from imsalg.sdp.model import decode_sdp_bytes, encode_sdp_text

__all__ = [
    "AGW_MID",
    "ALG_MID",
    "Settings",
    "WireRecord",
    "load_settings",
    "main",
    "render_commands",
    "render_wire",
]

STATE_FORMAT = "imsalg-call-state/1"
#: mIds written in H.248 renderings (TS 29.334 §5.11: domain names).
ALG_MID: m.MId = m.DomainName(name="alg.imsalg.invalid")
AGW_MID: m.MId = m.DomainName(name="agw.imsalg.invalid")

_ALG_TABLES = frozenset({"e2ae", "msrp", "tcp", "setup", "iq"})
_KNOWN_TABLES = _ALG_TABLES | {"tls", "agw", "h248"}


class UsageError(Exception):
    """Bad arguments, configuration or state file (exit status 2)."""


@attrs.frozen
class Settings:
    """One configuration file, read for every component that needs it."""

    policy: AlgPolicy
    offline: OfflineGatewayConfig
    profile: IqProfile
    document: Mapping[str, Any]


def _read_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            document: dict[str, Any] = tomllib.load(handle)
            return document
    except OSError as exc:
        raise UsageError(f"cannot read config {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"config {path}: {exc}") from None


def load_settings(path: str | None) -> Settings:
    """Read and check a TOML configuration file (``None``: every default).

    The ALG tables (``e2ae``, ``msrp``, ``tcp``, ``setup``, ``iq``, ``tls.fingerprint_hash``),
    the AGW tables (``agw``, the rest of ``tls``) and the Iq profile (``h248``) may share
    one file; every key is checked, whichever component reads it.
    """
    if path is None:
        return Settings(AlgPolicy(), OfflineGatewayConfig(), DEFAULT_PROFILE, {})
    document = _read_toml(path)
    try:
        unknown = set(document) - _KNOWN_TABLES
        if unknown:
            raise ConfigError(f"unknown configuration table [{sorted(unknown)[0]}]")
        alg_part: dict[str, Any] = {name: document[name] for name in _ALG_TABLES & set(document)}
        tls = document.get("tls", {})
        if isinstance(tls, Mapping) and "fingerprint_hash" in tls:
            alg_part["tls"] = {"fingerprint_hash": tls["fingerprint_hash"]}
        policy = policy_from_mapping(alg_part)
        offline = OfflineGatewayConfig.from_mapping(document)
        from imsalg.agw.config import config_from_mapping

        config_from_mapping(document)  # the AGW's part, checked here too
        profile = IqProfile.from_mapping(document.get("h248", {}))
    except (ConfigError, TypeError, ValueError) as exc:
        raise UsageError(f"config {path}: {exc}") from None
    return Settings(policy, offline, profile, document)


def load_config(path: str | None) -> tuple[AlgPolicy, OfflineGatewayConfig]:
    """The ALG policy and offline AGW settings of a configuration file."""
    settings = load_settings(path)
    return settings.policy, settings.offline


def _mint(seed: str) -> bytes:
    from imsalg.agw.certs import mint_deterministic_certificate

    return mint_deterministic_certificate(seed).der


# -- STATE ------------------------------------------------------------------------------


def _load_state(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"cannot read state {path}: {exc.strerror}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"state {path} is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
        raise UsageError(f"state {path} is not an imsalg call state ({STATE_FORMAT})")
    return document


def _write_atomically(path: Path, data: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- renderings -------------------------------------------------------------------------


def _iq_log(exchange: Exchange) -> str:
    lines: list[str] = []
    for request, reply in zip(exchange.requests, exchange.replies, strict=True):
        lines.extend(describe_request(request))
        lines.extend(describe_reply(reply))
    return "".join(line + "\n" for line in lines)


def render_commands(
    exchange: Exchange, *, compact: bool = False, profile: IqProfile = DEFAULT_PROFILE
) -> str:
    """The H.248 messages of an offline step: each request (ALG → AGW) and its reply.

    The transaction id shown is the engine's request id (there is no wire); a live step
    writes what really crossed instead (:func:`render_wire`).
    """
    from imsalg.h248 import encode
    from imsalg.iq import h248 as iq

    messages: list[str] = []
    for request, reply in zip(exchange.requests, exchange.replies, strict=True):
        transaction = iq.request_to_transaction(request, request.request_id, profile)
        messages.append(encode(iq.message(ALG_MID, [transaction]), compact=compact))
        if isinstance(reply, GatewayResult):
            answer = iq.result_to_reply(request, reply, request.request_id, profile)
        else:
            answer = iq.failure_to_reply(request, reply, request.request_id, profile)
        messages.append(encode(iq.message(AGW_MID, [answer]), compact=compact))
    return "".join(text if text.endswith("\n") else text + "\n" for text in messages)


#: One message of a live step: ``("sent" | "received", peer, message)``.
WireRecord = tuple[str, tuple[str, int], m.Message]


def render_wire(records: Sequence[WireRecord], *, compact: bool = False) -> str:
    """The H.248 messages of a live step as they crossed the wire, in order (real
    transaction ids, retransmissions, acks and Notify included), each after a comment
    line saying where it went or came from."""
    from imsalg.h248 import encode

    parts: list[str] = []
    for direction, (host, port), message in records:
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        text = encode(message, compact=compact)
        preposition = "to" if direction == "sent" else "from"
        parts.append(f"; {direction} {preposition} {where}\n{text}")
        if not text.endswith("\n"):
            parts.append("\n")
    return "".join(parts)


# -- rewrite ----------------------------------------------------------------------------


def _parse_destination(text: str) -> tuple[str, str]:
    """``udp:HOST:PORT`` / ``tcp:HOST`` / ``HOST:PORT`` → (transport, destination)."""
    transport = "udp"
    for prefix in ("udp:", "tcp:"):
        if text.startswith(prefix):
            transport, text = prefix[:-1], text[len(prefix) :]
            break
    if not text:
        raise UsageError("--gateway needs an address, e.g. udp:127.0.0.1:2944")
    return transport, text


def _split_host_port(text: str, default_port: int) -> tuple[str, int]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, ""
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise UsageError(f"bad port in {text!r}") from None
    return host, port


async def _live_step(
    destination: str,
    profile: IqProfile,
    call: Call,
    event: SDPReceived | ReleaseCall,
    timeout: float,
    wire: list[WireRecord],
) -> Exchange:
    """One step against a live AGW; the messages exchanged are appended to *wire*."""
    import ipaddress
    import secrets

    from imsalg.drivers import AsyncALG
    from imsalg.drivers.remote import RemoteGateway
    from imsalg.h248.transactions import TransactionTimers
    from imsalg.transport import normalize_address

    transport, where = _parse_destination(destination)
    host, port = _split_host_port(where, 2944)
    target: str | list[tuple[str, int]]
    try:
        ipaddress.ip_address(host)
        target = [(host, port)]
    except ValueError:
        target = where if ":" not in where else host  # a name: DNS (SRV, A/AAAA)
    # H.248.1 Annex D: retransmit until *timeout* (T-MAX), and wait as long after Pending.
    timers = TransactionTimers(
        max_retransmission_time=timeout,
        max_retransmit_interval=min(4.0, timeout),
        long_timer=max(timeout, 1.0),
    )
    # Each step is a new process on a new port, but the OS may hand out the last step's
    # port again while the AGW still caches replies by (peer, transaction id): a random
    # first id keeps a new step from being answered with an old reply.
    gateway = await RemoteGateway.connect(
        target,
        transport=transport,
        profile=profile,
        timers=timers,
        first_transaction_id=1 + secrets.randbelow(2**30),
    )

    def observe(direction: str, message: m.Message, peer: object) -> None:
        wire.append((direction, normalize_address(peer), message))

    gateway.client.endpoint.driver.observer = observe
    try:
        alg = AsyncALG(gateway, call.policy)
        async_call = alg.call("cli")
        async_call.engine = call
        actions: list[Action] = await async_call.handle(event)
        requests = tuple(request for request, _ in async_call.exchanges)
        replies = tuple(reply for _, reply in async_call.exchanges)
        return Exchange(requests=requests, replies=replies, actions=tuple(actions))
    finally:
        await gateway.close()


def _rewrite(args: argparse.Namespace, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    settings = load_settings(args.config)
    state_path = Path(args.state)
    document = _load_state(state_path)
    gateway_doc: dict[str, Any] = {}
    try:
        if document is None:
            call_state = CallState(ue_e2ae=not args.no_ue_e2ae)
            gateway_doc = (
                {"kind": "h248", "destination": args.gateway}
                if args.gateway
                else {"kind": "offline", "state": to_json(OfflineGatewayState())}
            )
        else:
            call_state = from_json(CallState, document.get("call"))
            gateway_doc = dict(document.get("gateway") or {})
            if args.no_ue_e2ae and call_state.ue_e2ae:
                raise UsageError(
                    "--no-ue-e2ae given, but STATE was created for a UE that registered "
                    "msrp-tls;mediasec"
                )
            kind = gateway_doc.get("kind")
            if kind not in ("offline", "h248"):
                raise UsageError(f"state {state_path}: unknown gateway kind {kind!r}")
            if args.gateway and kind == "offline":
                raise UsageError("STATE holds a call on the offline AGW; --gateway cannot move it")
            if args.gateway and args.gateway != gateway_doc.get("destination"):
                raise UsageError(
                    f"STATE holds a call on {gateway_doc.get('destination')}, not {args.gateway}"
                )
        offline_state = (
            from_json(OfflineGatewayState, gateway_doc.get("state"))
            if gateway_doc["kind"] == "offline"
            else None
        )
    except StateFormatError as exc:
        raise UsageError(f"state {state_path} is damaged: {exc}") from None

    event: SDPReceived | ReleaseCall
    if args.release:
        event = ReleaseCall()
    else:
        if args.side is None:
            raise UsageError("--from is required unless --release is given")
        if args.input in (None, "-"):
            data = stdin.read()
        else:
            try:
                data = Path(args.input).read_bytes()
            except OSError as exc:
                raise UsageError(f"cannot read {args.input}: {exc.strerror}") from None
        event = SDPReceived(side=Side(args.side), sdp=decode_sdp_bytes(data))

    call = Call(settings.policy, state=call_state)
    wire: list[WireRecord] | None = None
    if offline_state is not None:
        gateway = OfflineGateway(settings.offline, _mint, offline_state)
        exchange = SyncDriver(call, gateway).run(event)
        gateway_doc = {"kind": "offline", "state": to_json(gateway.state)}
    else:
        wire = []
        exchange = asyncio.run(
            _live_step(
                str(gateway_doc["destination"]), settings.profile, call, event, args.timeout, wire
            )
        )
    forwarded = exchange.forwarded
    output = encode_sdp_text(forwarded.sdp) if forwarded is not None else b""

    if args.plan:
        plan = json.dumps(plan_json(call.streams), indent=2, sort_keys=True) + "\n"
        _write_atomically(Path(args.plan), plan.encode())
    if args.iq:
        _write_atomically(Path(args.iq), _iq_log(exchange).encode())
    if args.commands:
        rendered = (
            render_commands(exchange, compact=args.compact, profile=settings.profile)
            if wire is None
            else render_wire(wire, compact=args.compact)
        )
        _write_atomically(Path(args.commands), rendered.encode("utf-8", "surrogateescape"))
    new_document = {"format": STATE_FORMAT, "call": to_json(call.state), "gateway": gateway_doc}
    _write_atomically(
        state_path, (json.dumps(new_document, indent=1, sort_keys=True) + "\n").encode()
    )
    stdout.write(output)
    stdout.flush()


# -- h248 -------------------------------------------------------------------------------


def _h248(args: argparse.Namespace, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    from imsalg.h248 import decode, encode_bytes
    from imsalg.h248.json import to_json as message_json

    if args.input in (None, "-"):
        data = stdin.read()
    else:
        try:
            data = Path(args.input).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {args.input}: {exc.strerror}") from None
    message = decode(data)
    if args.action == "decode":
        stdout.write((json.dumps(message_json(message), indent=2) + "\n").encode())
    else:
        stdout.write(encode_bytes(message, compact=args.action == "compact"))
    stdout.flush()


# -- agw --------------------------------------------------------------------------------


async def _run_agw(args: argparse.Namespace, stdout: IO[bytes]) -> None:
    from imsalg.agw import AGW
    from imsalg.agw.config import config_from_mapping
    from imsalg.agw.server import AGWServer

    settings = load_settings(args.config)
    try:
        config = config_from_mapping(
            settings.document,
            access_address=args.access_address,
            core_address=args.core_address,
        )
    except ValueError as exc:
        raise UsageError(f"agw configuration: {exc}") from None
    transport, where = _parse_destination(args.control)
    host, port = _split_host_port(where, 2944)
    mgc = None
    if args.mgc:
        mgc = _split_host_port(args.mgc, 2944)
    server = await AGWServer.start(
        AGW(config),
        host=host,
        port=port,
        transports=(transport,),
        profile=settings.profile,
        mgc=mgc,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    try:
        bound_host, bound_port = server.addresses[transport]  # type: ignore[index]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        stdout.write(f"imsalg agw: ready control={transport}:{shown}:{bound_port}\n".encode())
        stdout.flush()
        await stop.wait()
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
        await server.close()


# -- demo -------------------------------------------------------------------------------


def _demo(args: argparse.Namespace, stdout: IO[bytes]) -> int:
    def emit(line: str) -> None:
        stdout.write(encode_sdp_text(line + "\n"))
        stdout.flush()

    if args.offline is None:
        from imsalg.demo_live import DemoOptions, Scenario, run_live_demo
        from imsalg.iq.procedures import Establishment, MSRPMode

        options = DemoOptions(
            scenario=Scenario(args.scenario),
            setup=args.setup,
            mode=MSRPMode(args.mode),
            establishment=Establishment(args.establishment),
            bad_fingerprint=args.bad_fingerprint,
        )
        summary = asyncio.run(run_live_demo(options, (lambda _: None) if args.json else emit))
        if args.json:
            emit(json.dumps(summary.to_json(), sort_keys=True))
        return 0 if summary.ok else 1

    from imsalg.demo import replay_case

    case = Path(args.offline)
    if not (case / "case.json").is_file():
        raise UsageError(f"{case} is not a call-flow directory (no case.json)")
    config = args.config
    if config is None and (case / "config.toml").is_file():
        config = str(case / "config.toml")
    settings = load_settings(config)
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    call = Call(settings.policy, ue_e2ae=bool(spec.get("ue_e2ae", True)))
    gateway = OfflineGateway(settings.offline, _mint)

    replay_case(case, gateway, call, emit)
    return 0


# -- argument parsing -------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imsalg",
        description="e2ae TLS protection of MSRP: IMS-ALG SDP rules, Iq/H.248, IMS-AGW.",
    )
    parser.add_argument("--version", action="version", version=f"imsalg {__version__}")
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default=None,
        help="log to stderr from this level (default: warning for agw and demo, else error)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    rewrite = commands.add_parser(
        "rewrite",
        help="rewrite one SDP as the IMS-ALG would",
        description="Read one SDP and print the SDP to forward to the other side. "
        "Whether it is an offer or an answer follows from STATE.",
    )
    rewrite.add_argument("--from", dest="side", choices=[s.value for s in Side])
    rewrite.add_argument("--state", required=True, help="JSON file holding the call")
    rewrite.add_argument("--plan", help="write the stream plan (JSON) here")
    rewrite.add_argument("--config", help="TOML configuration file")
    rewrite.add_argument(
        "--no-ue-e2ae",
        action="store_true",
        help="the UE did not register msrp-tls;mediasec (default: it did)",
    )
    rewrite.add_argument("--iq", help="write the Iq transactions of this step (text) here")
    rewrite.add_argument("--commands", help="write the H.248 transactions of this step here")
    rewrite.add_argument(
        "--compact", action="store_true", help="--commands in compact H.248 (short tokens)"
    )
    rewrite.add_argument(
        "--gateway",
        metavar="DEST",
        help="a live IMS-AGW: udp:HOST:PORT, tcp:HOST:PORT or a domain name (DNS SRV/A)",
    )
    rewrite.add_argument(
        "--timeout",
        type=float,
        default=25.0,
        metavar="SECONDS",
        help="give up on the live AGW after this long per transaction (default 25)",
    )
    rewrite.add_argument("--release", action="store_true", help="release the call")
    rewrite.add_argument("input", nargs="?", help="SDP file (default: stdin)")

    h248 = commands.add_parser("h248", help="decode or re-encode H.248 text")
    h248.add_argument("action", choices=["decode", "pretty", "compact"])
    h248.add_argument("input", nargs="?", help="H.248 text file (default: stdin)")

    agw = commands.add_parser("agw", help="run the bundled IMS-AGW under H.248 control")
    agw.add_argument(
        "--control",
        default="udp:127.0.0.1:2944",
        metavar="[udp:|tcp:]HOST:PORT",
        help="where to accept H.248 (default udp:127.0.0.1:2944)",
    )
    agw.add_argument("--access-address", help="media address toward the UE (default 127.0.0.1)")
    agw.add_argument("--core-address", help="media address toward the core (default 127.0.0.1)")
    agw.add_argument("--config", help="TOML configuration file ([agw], [tls], [h248])")
    agw.add_argument(
        "--mgc", metavar="HOST:PORT", help="announce the start to this IMS-ALG (ServiceChange)"
    )

    demo = commands.add_parser(
        "demo",
        help="a complete e2ae MSRP call on loopback (real TLS, AGW over H.248)",
        description="Run a protected MSRP call: a simulated UE, the IMS-ALG, the bundled "
        "IMS-AGW over H.248/UDP and a core MSRP peer, all on loopback. Exit 0 when the "
        "scenario behaved as it should (a refused bad fingerprint included).",
    )
    demo.add_argument("--scenario", choices=["originating", "terminating"], default="originating")
    demo.add_argument(
        "--setup",
        choices=["active", "passive", "actpass", "none"],
        default="actpass",
        help="what the UE offers or answers in a=setup",
    )
    demo.add_argument("--mode", choices=["agnostic", "aware"], default="agnostic")
    demo.add_argument("--establishment", choices=["initiate", "trigger"], default="initiate")
    demo.add_argument(
        "--bad-fingerprint",
        action="store_true",
        help="the UE advertises another certificate's fingerprint (the failure path)",
    )
    demo.add_argument("--json", action="store_true", help="print one JSON summary only")
    demo.add_argument(
        "--offline",
        metavar="CASE",
        help="instead: replay a call-flow directory (fixtures/calls/<case>), offline AGW",
    )
    demo.add_argument("--config", help="TOML configuration (default: the case's config.toml)")
    return parser


def _configure_logging(level: str, stream: IO[str]) -> None:
    """One stderr handler for the ``imsalg`` loggers (replaced on every call)."""
    import logging

    logger = logging.getLogger("imsalg")
    for handler in list(logger.handlers):
        if getattr(handler, "_imsalg_cli", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("imsalg: %(levelname)s %(name)s: %(message)s"))
    handler._imsalg_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 refused or bad input, 2 usage)."""
    err = stderr if stderr is not None else sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    out = stdout if stdout is not None else sys.stdout.buffer
    source = stdin if stdin is not None else sys.stdin.buffer
    # rewrite and h248 promise one stderr line on refusal; the servers speak up more.
    quiet = args.command in ("rewrite", "h248") or getattr(args, "json", False)
    level = args.log_level or ("error" if quiet else "warning")
    _configure_logging(level, err)
    try:
        if args.command == "rewrite":
            _rewrite(args, source, out)
        elif args.command == "h248":
            _h248(args, source, out)
        elif args.command == "agw":
            asyncio.run(_run_agw(args, out))
        else:
            return _demo(args, out)
    except H248SyntaxError as exc:
        print(f"imsalg: {exc.detail}", file=err)
        return 1
    except IMSALGError as exc:
        print(f"imsalg: {exc.one_line()}", file=err)
        return 1
    except UsageError as exc:
        print(f"imsalg: {exc}", file=err)
        return 2
    return 0
