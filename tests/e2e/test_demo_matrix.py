"""The live demo call across the whole scenario matrix, on real sockets and real TLS.

Each case runs :func:`imsalg.demo_live.run_live_demo` in-process: a UE with its own
certificate pinned by SDP fingerprint, the IMS-ALG (AsyncALG + RemoteGateway), the
bundled AGW under H.248/UDP control, a plain TCP MSRP core peer. The expected AGW TLS
role is computed here from the rules (RFC 4145 §4.1, TR 29.828 CR table, DESIGN.md
§3), independently of the engine:

- the ALG answers an ``actpass`` offer with ``passive`` and offers ``actpass`` to
  the UE (terminating calls);
- the UE ``active`` ⇒ the UE opens TCP ⇒ the AGW is TLS server; the UE ``passive`` ⇒
  the AGW opens TCP ⇒ TLS client; no ``a=setup`` ⇒ the offerer is TCP (and TLS)
  client (RFC 4975);
- an answer of ``actpass`` is forbidden by RFC 4145: the ALG refuses it with 488.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from imsalg.demo_live import DemoOptions, DemoSummary, Scenario, run_live_demo
from imsalg.iq.procedures import Establishment, MSRPMode
from tests.agw.helpers import LeakCheck, asynctest

ROOT = Path(__file__).resolve().parents[2]
SETUPS = ("active", "passive", "actpass", "none")
#: What the demo UE and core send each way (imsalg/demo_live.py).
SENT_BY_UE = 2
SENT_BY_CORE = 1
#: The ALG's answer to each a=setup the UE may offer (policy default for actpass).
ALG_ANSWERS = {"active": "passive", "passive": "active", "actpass": "passive", "none": "none"}
REFUSED = "refused"


def expected_tls_role(scenario: Scenario, ue_setup: str) -> str:
    """The AGW's TLS role toward the UE, or :data:`REFUSED`."""
    if scenario is Scenario.ORIGINATING:
        ue_offerer = True
        # The ALG's answer decides an actpass offer.
        ue_value = "active" if ALG_ANSWERS[ue_setup] == "passive" else ue_setup
    else:
        ue_offerer = False  # the ALG offers actpass; the UE's answer decides
        if ue_setup == "actpass":
            return REFUSED
        ue_value = ue_setup
    if ue_value == "none":
        ue_connects = ue_offerer
    else:
        ue_connects = ue_value == "active"
    # Whoever opens TCP is the TLS client (TR 29.828: the AGW's TLS role follows a=setup).
    return "server" if ue_connects else "client"


async def run_demo(options: DemoOptions) -> DemoSummary:
    """Run one demo call; the call must leave no fd and no task behind."""
    leaks = LeakCheck()
    summary = await run_live_demo(options)
    await leaks.check()
    return summary


@pytest.mark.parametrize(
    ("scenario", "setup", "establishment", "mode"),
    list(itertools.product(Scenario, SETUPS, Establishment, MSRPMode)),
    ids=lambda value: getattr(value, "value", value),
)
@asynctest
async def test_scenario_matrix(
    scenario: Scenario, setup: str, establishment: Establishment, mode: MSRPMode
) -> None:
    summary = await run_demo(
        DemoOptions(scenario=scenario, setup=setup, establishment=establishment, mode=mode)
    )
    expected = expected_tls_role(scenario, setup)
    assert summary.scenario == scenario.value
    if expected == REFUSED:
        assert summary.ok, summary  # the demo judged the refusal correct
        assert summary.failure is not None
        assert summary.failure.startswith("488 "), summary.failure
        assert "actpass" in summary.failure
        assert "RFC 4145" in summary.failure
        assert (summary.tls_role, summary.fingerprint_verified) == (None, False)
        assert (summary.delivered_to_core, summary.delivered_to_ue) == (0, 0)
        return
    assert summary.ok, summary
    assert summary.failure is None
    assert summary.tls_role == expected
    assert summary.fingerprint_verified
    assert summary.delivered_to_core == SENT_BY_UE
    assert summary.delivered_to_ue == SENT_BY_CORE


@pytest.mark.parametrize(
    ("scenario", "setup"),
    [(scenario, setup) for scenario in Scenario for setup in ("active", "passive")],
    ids=lambda value: getattr(value, "value", value),
)
@asynctest
async def test_bad_fingerprint_is_refused_reported_and_nothing_relayed(
    scenario: Scenario, setup: str
) -> None:
    summary = await run_demo(DemoOptions(scenario=scenario, setup=setup, bad_fingerprint=True))
    expected = expected_tls_role(scenario, setup)
    assert expected in ("server", "client")
    assert summary.ok, summary
    assert summary.tls_role == expected  # both TLS roles of the AGW are covered
    assert not summary.fingerprint_verified
    assert summary.failure is not None
    assert "fingerprint-mismatch" in summary.failure
    assert (summary.delivered_to_core, summary.delivered_to_ue) == (0, 0)


def test_cli_demo_json() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "imsalg", "demo", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 0, err.decode()
    [line] = out.decode().splitlines()
    summary = json.loads(line)
    assert set(summary) == {
        "ok",
        "scenario",
        "tls_role",
        "fingerprint_verified",
        "delivered_to_core",
        "delivered_to_ue",
        "failure",
    }
    assert summary == {
        "ok": True,
        "scenario": "originating",
        "tls_role": expected_tls_role(Scenario.ORIGINATING, "actpass"),
        "fingerprint_verified": True,
        "delivered_to_core": SENT_BY_UE,
        "delivered_to_ue": SENT_BY_CORE,
        "failure": None,
    }
