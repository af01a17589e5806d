"""The offline IMS-AGW: a deterministic gateway backend with no network.

It answers Iq requests the way the bundled AGW would, from configuration alone:
addresses per realm, the lowest free port of each realm's range, context and
termination ids from counters, and per access termination a certificate minted once
and kept in the backend's state (so a re-offer shows the same fingerprint). The
certificate comes from an injected function (:mod:`imsalg.agw.certs` provides a
seeded one), so this module stays free of OpenSSL and randomness: the CLI's offline
rewrite and the golden files are reproducible byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from imsalg.iq.procedures import (
    ConfigureConnectionPoint,
    ConnectionPointConfigured,
    ConnectionPointReserved,
    GatewayFailure,
    GatewayRequest,
    GatewayResult,
    Procedure,
    ProcedureResult,
    ReleaseTermination,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    Side,
    TerminationReleased,
)
from imsalg.sdp.attributes import address_type_of
from imsalg.sdp.fingerprint import SUPPORTED_HASHES, Fingerprint
from imsalg.sdp.msrp import MSRPURI

from .config import ConfigError

__all__ = ["OfflineGateway", "OfflineGatewayConfig", "OfflineGatewayState", "RealmConfig"]

#: Mints the DER certificate for a seed string.
CertificateSource = Callable[[str], bytes]


@attrs.frozen(kw_only=True)
class RealmConfig:
    """Address and port range the offline AGW uses in one realm."""

    address: str
    port_min: int
    port_max: int

    def __attrs_post_init__(self) -> None:
        try:
            address_type_of(self.address)
        except ValueError:
            raise ConfigError(f"AGW address {self.address!r} is not an IP address") from None
        if not 1 <= self.port_min <= self.port_max <= 65535:
            raise ConfigError(f"bad port range {self.port_min}-{self.port_max}")


@attrs.frozen(kw_only=True)
class OfflineGatewayConfig:
    """Configuration of the offline AGW (TOML table ``[agw]``)."""

    access: RealmConfig = RealmConfig(address="192.0.2.10", port_min=40000, port_max=40999)
    core: RealmConfig = RealmConfig(address="198.51.100.10", port_min=50000, port_max=50999)
    seed: str = "imsalg-offline"

    def realm(self, side: Side) -> RealmConfig:
        """The realm a side's terminations live in."""
        return self.access if side is Side.ACCESS else self.core

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> OfflineGatewayConfig:
        """Read ``[agw]`` of a TOML document: ``access``/``core`` sub-tables (``address``,
        ``port_min``, ``port_max``) and ``seed``.

        Other keys of ``[agw]`` configure the live AGW (:mod:`imsalg.agw.config`, which
        validates them) and are not the offline AGW's business.
        """
        values: dict[str, Any] = {}
        agw = config.get("agw", {})
        if not isinstance(agw, Mapping):
            raise ConfigError("[agw] must be a table")
        for name in ("access", "core"):
            table = agw.get(name)
            if table is None:
                continue
            if not isinstance(table, Mapping):
                raise ConfigError(f"[agw.{name}] must be a table")
            default: RealmConfig = getattr(cls(), name)
            values[name] = RealmConfig(
                address=table.get("address", default.address),
                port_min=table.get("port_min", default.port_min),
                port_max=table.get("port_max", default.port_max),
            )
        if "seed" in agw:
            values["seed"] = str(agw["seed"])
        return cls(**values)


@attrs.frozen(kw_only=True)
class OfflineTermination:
    """One reserved termination."""

    name: str
    context: str
    side: Side
    stream: int
    port: int
    tls: bool
    certificate: str | None = None  # hex DER, minted once per termination


@attrs.frozen(kw_only=True)
class OfflineGatewayState:
    """Everything the offline AGW remembers (saved with the call state)."""

    next_context: int = 1
    next_termination: int = 1
    terminations: tuple[OfflineTermination, ...] = ()


class _Failure(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class OfflineGateway:
    """Deterministic stand-in for the IMS-AGW (the sync driver's backend)."""

    def __init__(
        self,
        config: OfflineGatewayConfig,
        certificates: CertificateSource,
        state: OfflineGatewayState | None = None,
    ) -> None:
        self.config = config
        self.certificates = certificates
        self.state = state or OfflineGatewayState()

    def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """Carry out *request*; all or nothing (the state changes only on success)."""
        saved = self.state
        try:
            context = request.context
            if context is None:
                context = str(self.state.next_context)
                self.state = attrs.evolve(self.state, next_context=self.state.next_context + 1)
            elif not any(t.context == context for t in self.state.terminations):
                raise _Failure(411, f"unknown context {context}")
            results: list[ProcedureResult] = []
            for procedure in request.procedures:
                results.extend(self._do(context, procedure))
        except _Failure as failure:
            self.state = saved
            return GatewayFailure(
                request_id=request.request_id, code=failure.code, reason=failure.reason
            )
        return GatewayResult(request_id=request.request_id, context=context, results=tuple(results))

    def _find(self, context: str, name: str) -> OfflineTermination:
        for termination in self.state.terminations:
            if termination.name == name and termination.context == context:
                return termination
        raise _Failure(430, f"unknown termination {name}")

    def _do(self, context: str, procedure: Procedure) -> list[ProcedureResult]:
        if isinstance(procedure, ReserveConnectionPoint | ReserveAndConfigureConnectionPoint):
            return [self._reserve(context, procedure)]
        if isinstance(procedure, ConfigureConnectionPoint):
            termination = self._find(context, procedure.termination)
            if procedure.local.transport.tls != termination.tls:
                raise _Failure(449, f"transport {procedure.local.transport.value} differs")
            return [ConnectionPointConfigured(termination=termination.name)]
        if isinstance(procedure, ReleaseTermination):
            if procedure.termination == "*":
                gone = [t for t in self.state.terminations if t.context == context]
            else:
                gone = [self._find(context, procedure.termination)]
            kept = tuple(t for t in self.state.terminations if t not in gone)
            self.state = attrs.evolve(self.state, terminations=kept)
            return [TerminationReleased(termination=t.name) for t in gone]
        raise _Failure(501, f"procedure {type(procedure).__name__} not implemented")

    def _reserve(
        self, context: str, procedure: ReserveConnectionPoint | ReserveAndConfigureConnectionPoint
    ) -> ConnectionPointReserved:
        local = procedure.local
        realm = self.config.realm(procedure.side)
        if local.request_fingerprint and not local.transport.tls:
            raise _Failure(449, f"fingerprint requested on transport {local.transport.value}")
        used = {t.port for t in self.state.terminations if t.side is procedure.side}
        port = next((p for p in range(realm.port_min, realm.port_max + 1) if p not in used), None)
        if port is None:
            raise _Failure(510, f"no free port in the {procedure.side.value} realm")
        number = self.state.next_termination
        short = "acc" if procedure.side is Side.ACCESS else "core"
        name = f"msrp/{context}/{procedure.stream}/{short}{number}"
        certificate = None
        fingerprint = None
        if local.transport.tls:
            der = self.certificates(f"{self.config.seed}/{context}/{name}")
            certificate = der.hex()
            if local.request_fingerprint:
                if local.fingerprint_hash not in SUPPORTED_HASHES:
                    raise _Failure(449, f"fingerprint hash {local.fingerprint_hash} not supported")
                fingerprint = Fingerprint.of_certificate(der, local.fingerprint_hash)
        path: tuple[MSRPURI, ...] = ()
        if local.request_path:
            host = f"[{realm.address}]" if ":" in realm.address else realm.address
            path = (
                MSRPURI(
                    scheme="msrps" if local.transport.tls else "msrp",
                    host=host,
                    port=port,
                    session_id=f"agw{context}t{number}",
                    transport="tcp",
                ),
            )
        termination = OfflineTermination(
            name=name,
            context=context,
            side=procedure.side,
            stream=procedure.stream,
            port=port,
            tls=local.transport.tls,
            certificate=certificate,
        )
        self.state = attrs.evolve(
            self.state,
            next_termination=number + 1,
            terminations=(*self.state.terminations, termination),
        )
        return ConnectionPointReserved(
            termination=name, address=realm.address, port=port, fingerprint=fingerprint, path=path
        )
