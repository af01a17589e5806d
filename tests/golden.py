"""The golden-file runner: one code path for the tests and ``tools/regen-golden``.

A case is a directory under ``fixtures/calls/``::

    case.json        {"description": "...", "ue_e2ae": true, "steps": [...]}
    config.toml      optional policy / offline AGW configuration
    01-offer.sdp     inputs, byte for byte as a peer sent them

Each step is ``{"from": "access"|"core", "input": "<file>"}`` or ``{"release": true}``
and runs ``imsalg rewrite`` in-process against a STATE file shared by the steps.
Step *N* produces ``NN-out.sdp`` (stdout) or ``NN-refused.txt`` (exit status and
stderr), ``NN-plan.json``, ``NN-iq.txt`` (the Iq transactions, readable) and, when the
step talked to the AGW, ``NN-commands.h248`` (the same transactions in H.248 text,
pretty form; the H.248 interop tests pick these files up).
"""

from __future__ import annotations

import difflib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from imsalg.cli import main

__all__ = ["CALLS", "case_dirs", "diff", "run_case"]

ROOT = Path(__file__).resolve().parent.parent
CALLS = ROOT / "fixtures" / "calls"


def case_dirs() -> list[Path]:
    """Every case directory, sorted by name."""
    return sorted(p for p in CALLS.iterdir() if (p / "case.json").is_file())


def _read_case(case: Path) -> dict[str, Any]:
    data = json.loads((case / "case.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ValueError(f"{case}/case.json: needs a list of steps")
    return data


def run_case(case: Path) -> dict[str, bytes]:
    """Run every step of *case*; return the expected files it produces, by name."""
    spec = _read_case(case)
    outputs: dict[str, bytes] = {}
    config = case / "config.toml"
    with tempfile.TemporaryDirectory(prefix="imsalg-golden-") as scratch:
        work = Path(scratch)
        state = work / "state.json"
        for number, step in enumerate(spec["steps"], start=1):
            prefix = f"{number:02d}"
            plan = work / f"{prefix}-plan.json"
            iq = work / f"{prefix}-iq.txt"
            commands = work / f"{prefix}-commands.h248"
            argv = ["rewrite", "--state", str(state), "--plan", str(plan), "--iq", str(iq)]
            argv += ["--commands", str(commands)]
            if config.is_file():
                argv += ["--config", str(config)]
            if not spec.get("ue_e2ae", True):
                argv.append("--no-ue-e2ae")
            if step.get("release"):
                argv.append("--release")
            else:
                argv += ["--from", step["from"], str(case / step["input"])]
            stdout = io.BytesIO()
            stderr = io.StringIO()
            status = main(argv, stdin=io.BytesIO(), stdout=stdout, stderr=stderr)
            if status == 0:
                if not step.get("release"):
                    outputs[f"{prefix}-out.sdp"] = stdout.getvalue()
                outputs[f"{prefix}-plan.json"] = plan.read_bytes()
                outputs[f"{prefix}-iq.txt"] = iq.read_bytes()
                if commands.stat().st_size:
                    outputs[f"{prefix}-commands.h248"] = commands.read_bytes()
            else:
                if stdout.getvalue():
                    raise AssertionError(f"{case.name} step {number}: output despite refusal")
                outputs[f"{prefix}-refused.txt"] = f"exit {status}\n{stderr.getvalue()}".encode()
    return outputs


def expected_files(case: Path) -> dict[str, bytes]:
    """The golden files currently in *case* (everything but inputs and case.json)."""
    spec = _read_case(case)
    inputs = {step["input"] for step in spec["steps"] if "input" in step}
    inputs |= {"case.json", "config.toml"}
    return {
        p.name: p.read_bytes()
        for p in sorted(case.iterdir())
        if p.is_file() and p.name not in inputs
    }


def diff(name: str, expected: bytes | None, actual: bytes | None) -> str:
    """A unified diff of two versions of one golden file (line endings made visible)."""

    def lines(data: bytes | None) -> list[str]:
        if data is None:
            return []
        text = data.decode("utf-8", "replace").replace("\r", "\\r")
        return text.splitlines(keepends=True)

    return "".join(
        difflib.unified_diff(lines(expected), lines(actual), f"expected/{name}", f"actual/{name}")
    )
