"""Command-line interface: ``imsalg rewrite`` (and the other commands).

``imsalg rewrite --from {access,core} --state STATE [--plan PLAN] [--config CONFIG]
[--no-ue-e2ae] [--iq FILE] [INPUT]`` reads one SDP and prints the SDP to forward.
STATE (JSON) holds the call and the offline AGW; it is created when absent and
replaced atomically. A refusal prints one line ``imsalg: <status> <reason>: <detail>``
on stderr, nothing on stdout, leaves STATE untouched and exits 1. Usage and
configuration errors exit 2. No traceback is shown for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from imsalg import __version__
from imsalg.alg.config import AlgPolicy, ConfigError, policy_from_mapping
from imsalg.alg.driver import Exchange, SyncDriver
from imsalg.alg.engine import Call
from imsalg.alg.offline import OfflineGateway, OfflineGatewayConfig, OfflineGatewayState
from imsalg.alg.plan import plan_json
from imsalg.alg.serialize import StateFormatError, from_json, to_json
from imsalg.alg.state import CallState
from imsalg.errors import IMSALGError
from imsalg.iq.describe import describe_reply, describe_request
from imsalg.iq.procedures import Side
from imsalg.sdp.model import decode_sdp_bytes, encode_sdp_text

__all__ = ["load_config", "main"]

STATE_FORMAT = "imsalg-call-state/1"
_POLICY_TABLES = frozenset({"e2ae", "msrp", "tcp", "setup", "iq", "tls"})
_OTHER_TABLES = frozenset({"agw"})


class UsageError(Exception):
    """Bad arguments, configuration or state file (exit status 2)."""


def load_config(path: str | None) -> tuple[AlgPolicy, OfflineGatewayConfig]:
    """Read a TOML configuration file (``None``: defaults)."""
    if path is None:
        return AlgPolicy(), OfflineGatewayConfig()
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"cannot read config {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"config {path}: {exc}") from None
    try:
        unknown = set(document) - _POLICY_TABLES - _OTHER_TABLES
        if unknown:
            raise ConfigError(f"unknown configuration table [{sorted(unknown)[0]}]")
        policy = policy_from_mapping(document, ignore=_OTHER_TABLES)
        gateway = OfflineGatewayConfig.from_mapping(document)
    except (ConfigError, TypeError, ValueError) as exc:
        raise UsageError(f"config {path}: {exc}") from None
    return policy, gateway


def _mint(seed: str) -> bytes:
    from imsalg.agw.certs import mint_deterministic_certificate

    return mint_deterministic_certificate(seed).der


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


def _iq_log(exchange: Exchange) -> str:
    lines: list[str] = []
    for request, reply in zip(exchange.requests, exchange.replies, strict=True):
        lines.extend(describe_request(request))
        lines.extend(describe_reply(reply))
    return "".join(line + "\n" for line in lines)


def _rewrite(args: argparse.Namespace, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    policy, gateway_config = load_config(args.config)
    state_path = Path(args.state)
    document = _load_state(state_path)
    try:
        if document is None:
            call_state = CallState(ue_e2ae=not args.no_ue_e2ae)
            gateway_state = OfflineGatewayState()
        else:
            call_state = from_json(CallState, document.get("call"))
            gateway = document.get("gateway") or {}
            if gateway.get("kind") != "offline":
                raise UsageError(
                    f"state {state_path}: unknown gateway kind {gateway.get('kind')!r}"
                )
            gateway_state = from_json(OfflineGatewayState, gateway.get("state"))
            if args.no_ue_e2ae and call_state.ue_e2ae:
                raise UsageError(
                    "--no-ue-e2ae given, but STATE was created for a UE that registered "
                    "msrp-tls;mediasec"
                )
    except StateFormatError as exc:
        raise UsageError(f"state {state_path} is damaged: {exc}") from None

    call = Call(policy, state=call_state)
    gateway = OfflineGateway(gateway_config, _mint, gateway_state)
    driver = SyncDriver(call, gateway)
    if args.release:
        exchange = driver.release()
        output = b""
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
        exchange = driver.sdp(Side(args.side), decode_sdp_bytes(data))
        forwarded = exchange.forwarded
        output = encode_sdp_text(forwarded.sdp) if forwarded is not None else b""

    new_document = {
        "format": STATE_FORMAT,
        "call": to_json(call.state),
        "gateway": {"kind": "offline", "state": to_json(gateway.state)},
    }
    if args.plan:
        plan = json.dumps(plan_json(call.streams), indent=2, sort_keys=True) + "\n"
        _write_atomically(Path(args.plan), plan.encode())
    if args.iq:
        _write_atomically(Path(args.iq), _iq_log(exchange).encode())
    _write_atomically(
        state_path, (json.dumps(new_document, indent=1, sort_keys=True) + "\n").encode()
    )
    stdout.write(output)
    stdout.flush()


def _demo(args: argparse.Namespace, stdout: IO[bytes]) -> None:
    from imsalg.demo import replay_case

    policy, gateway_config = load_config(args.config)
    case = Path(args.offline)
    if not (case / "case.json").is_file():
        raise UsageError(f"{case} is not a call-flow directory (no case.json)")
    config = case / "config.toml"
    if args.config is None and config.is_file():
        policy, gateway_config = load_config(str(config))
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    call = Call(policy, ue_e2ae=bool(spec.get("ue_e2ae", True)))
    gateway = OfflineGateway(gateway_config, _mint)

    def emit(line: str) -> None:
        stdout.write(encode_sdp_text(line + "\n"))

    replay_case(case, gateway, call, emit)
    stdout.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imsalg",
        description="e2ae TLS protection of MSRP: IMS-ALG SDP rules, Iq/H.248, IMS-AGW.",
    )
    parser.add_argument("--version", action="version", version=f"imsalg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    rewrite = commands.add_parser(
        "rewrite",
        help="rewrite one SDP as the IMS-ALG would (offline AGW)",
        description="Read one SDP and print the SDP to forward to the other side. "
        "Whether it is an offer or an answer follows from STATE.",
    )
    rewrite.add_argument("--from", dest="side", choices=[s.value for s in Side])
    rewrite.add_argument("--state", required=True, help="JSON file holding the call")
    rewrite.add_argument("--plan", help="write the stream plan (JSON) here")
    rewrite.add_argument("--config", help="TOML policy file")
    rewrite.add_argument(
        "--no-ue-e2ae",
        action="store_true",
        help="the UE did not register msrp-tls;mediasec (default: it did)",
    )
    rewrite.add_argument("--iq", help="write the Iq transactions of this step (text) here")
    rewrite.add_argument("--release", action="store_true", help="release the call's AGW resources")
    rewrite.add_argument("input", nargs="?", help="SDP file (default: stdin)")

    demo = commands.add_parser("demo", help="show a complete e2ae MSRP call flow")
    demo.add_argument(
        "--offline",
        metavar="CASE",
        required=True,
        help="replay a call-flow directory (fixtures/calls/<case>) against the offline AGW",
    )
    demo.add_argument("--config", help="TOML policy file (default: the case's config.toml)")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 refused, 2 usage)."""
    err = stderr if stderr is not None else sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        out = stdout if stdout is not None else sys.stdout.buffer
        if args.command == "rewrite":
            _rewrite(args, stdin if stdin is not None else sys.stdin.buffer, out)
            return 0
        if args.command == "demo":
            _demo(args, out)
            return 0
    except IMSALGError as exc:
        print(f"imsalg: {exc.one_line()}", file=err)
        return 1
    except UsageError as exc:
        print(f"imsalg: {exc}", file=err)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2  # pragma: no cover - parser.error exits
