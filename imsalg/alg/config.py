"""Policy of the IMS-ALG engine, and reading it from TOML-shaped mappings.

Everything the CR or SPEC.md leaves to the operator is a setting here, with the
default DESIGN.md argues for. Example (every key optional)::

    [e2ae]
    terminating = true            # e2ae toward an e2ae-capable UE for core TCP/MSRP offers
    access_transport = "TCP/TLS/MSRP"   # transport told to the AGW for the access side

    [msrp]
    mode = "agnostic"             # or "aware" (static configuration; a=msrp-cema forces agnostic)
    anchor_plain = true           # anchor TCP/MSRP streams in the AGW
    anchor_e2e_tls = true         # anchor end-to-end TLS streams as plain TCP

    [tcp]
    establishment = "initiate"    # or "trigger"

    [setup]
    answer_actpass_access = "passive"   # answer to a UE's actpass (UEs sit behind NAT)
    offer_access = "actpass"            # or "active" / "passive" / "forward"
    offer_core = "forward"              # forward the UE's value, or a fixed value
    answer_actpass_core = "forward"     # answer the core what the UE answered, or fixed

    [iq]
    heartbeat = 60                      # hangterm/thb timer, seconds; 0 disables

    [tls]
    fingerprint_hash = "sha-256"        # AGW fingerprint hash when the UE shows no preference
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from imsalg.iq.procedures import Establishment, MSRPMode, Transport
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import SUPPORTED_HASHES

__all__ = ["AlgPolicy", "ConfigError", "SetupChoice", "policy_from_mapping"]


class ConfigError(ValueError):
    """A configuration value is unknown or out of range."""


class SetupChoice(str, enum.Enum):
    """What the ALG puts in ``a=setup`` on a leg where it has a choice."""

    ACTIVE = "active"
    PASSIVE = "passive"
    ACTPASS = "actpass"
    HOLDCONN = "holdconn"
    #: Keep the setup direction: send on this leg what the other leg's peer sent.
    FORWARD = "forward"

    @property
    def setup(self) -> Setup:
        """The fixed value (not for :attr:`FORWARD`)."""
        return Setup(self.value)


def _hash_name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in SUPPORTED_HASHES:
        names = ", ".join(SUPPORTED_HASHES)
        raise ConfigError(f"tls.fingerprint_hash must be one of {names}, not {value!r}")


def _choice(*allowed: SetupChoice) -> Any:
    def check(_: object, attribute: attrs.Attribute[SetupChoice], value: SetupChoice) -> None:
        if value not in allowed:
            names = ", ".join(choice.value for choice in allowed)
            raise ConfigError(f"setup.{attribute.name} must be one of {names}, not {value.value}")

    return check


@attrs.frozen(kw_only=True)
class AlgPolicy:
    """Everything the rules leave to configuration."""

    e2ae_terminating: bool = True
    access_transport_e2ae: Transport = Transport.TCP_TLS_MSRP
    msrp_mode: MSRPMode = MSRPMode.AGNOSTIC
    anchor_plain_msrp: bool = True
    anchor_e2e_tls: bool = True
    establishment: Establishment = Establishment.INITIATE
    answer_actpass_access: SetupChoice = attrs.field(
        default=SetupChoice.PASSIVE, validator=_choice(SetupChoice.ACTIVE, SetupChoice.PASSIVE)
    )
    offer_access: SetupChoice = SetupChoice.ACTPASS
    offer_core: SetupChoice = SetupChoice.FORWARD
    answer_actpass_core: SetupChoice = attrs.field(
        default=SetupChoice.FORWARD,
        validator=_choice(SetupChoice.ACTIVE, SetupChoice.PASSIVE, SetupChoice.FORWARD),
    )
    heartbeat: int | None = 60
    #: Hash of the AGW fingerprint when the UE's SDP shows no preference (RFC 8122).
    fingerprint_hash: str = attrs.field(default="sha-256", validator=_hash_name)

    def to_mapping(self) -> dict[str, dict[str, Any]]:
        """The policy in the TOML shape :func:`policy_from_mapping` reads."""
        return {
            "e2ae": {
                "terminating": self.e2ae_terminating,
                "access_transport": self.access_transport_e2ae.value,
            },
            "msrp": {
                "mode": self.msrp_mode.value,
                "anchor_plain": self.anchor_plain_msrp,
                "anchor_e2e_tls": self.anchor_e2e_tls,
            },
            "tcp": {"establishment": self.establishment.value},
            "setup": {
                "answer_actpass_access": self.answer_actpass_access.value,
                "offer_access": self.offer_access.value,
                "offer_core": self.offer_core.value,
                "answer_actpass_core": self.answer_actpass_core.value,
            },
            "iq": {"heartbeat": self.heartbeat or 0},
            "tls": {"fingerprint_hash": self.fingerprint_hash},
        }


_KNOWN: dict[str, dict[str, str]] = {
    "e2ae": {"terminating": "e2ae_terminating", "access_transport": "access_transport_e2ae"},
    "msrp": {
        "mode": "msrp_mode",
        "anchor_plain": "anchor_plain_msrp",
        "anchor_e2e_tls": "anchor_e2e_tls",
    },
    "tcp": {"establishment": "establishment"},
    "setup": {
        "answer_actpass_access": "answer_actpass_access",
        "offer_access": "offer_access",
        "offer_core": "offer_core",
        "answer_actpass_core": "answer_actpass_core",
    },
    "iq": {"heartbeat": "heartbeat"},
    "tls": {"fingerprint_hash": "fingerprint_hash"},
}
_ENUMS: dict[str, type[enum.Enum]] = {
    "access_transport_e2ae": Transport,
    "msrp_mode": MSRPMode,
    "establishment": Establishment,
    "answer_actpass_access": SetupChoice,
    "offer_access": SetupChoice,
    "offer_core": SetupChoice,
    "answer_actpass_core": SetupChoice,
}
_BOOLS = {"e2ae_terminating", "anchor_plain_msrp", "anchor_e2e_tls"}


def policy_from_mapping(
    config: Mapping[str, Any], *, ignore: frozenset[str] = frozenset()
) -> AlgPolicy:
    """Build an :class:`AlgPolicy` from a parsed TOML document.

    Tables named in *ignore* belong to other components (e.g. ``agw``, ``tls``) and
    are skipped; any other unknown table or key is an error, so a typo never passes
    silently.
    """
    values: dict[str, Any] = {}
    for table, body in config.items():
        if table in ignore:
            continue
        if table not in _KNOWN:
            raise ConfigError(f"unknown configuration table [{table}]")
        if not isinstance(body, Mapping):
            raise ConfigError(f"[{table}] must be a table")
        for key, value in body.items():
            field = _KNOWN[table].get(key)
            if field is None:
                raise ConfigError(f"unknown key {table}.{key}")
            if field in _ENUMS:
                try:
                    values[field] = _ENUMS[field](value)
                except ValueError:
                    allowed = ", ".join(str(m.value) for m in _ENUMS[field])
                    raise ConfigError(
                        f"{table}.{key} must be one of {allowed}, not {value!r}"
                    ) from None
            elif field in _BOOLS:
                if not isinstance(value, bool):
                    raise ConfigError(f"{table}.{key} must be true or false")
                values[field] = value
            elif field == "fingerprint_hash":
                values[field] = str(value).lower()
            else:  # heartbeat
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ConfigError(f"{table}.{key} must be a number of seconds >= 0")
                values[field] = value or None
    return AlgPolicy(**values)
