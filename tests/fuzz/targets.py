"""The fuzz targets by name (``tools/fuzz --target NAME``; the Hypothesis tests)."""

from __future__ import annotations

from typing import Final

from . import engine_target, h248_target, msrp_target, sdp_target
from .harness import Target

__all__ = ["TARGETS"]

TARGETS: Final[dict[str, Target]] = {
    target.name: target
    for target in (
        sdp_target.TARGET,
        engine_target.TARGET,
        h248_target.TARGET,
        msrp_target.TARGET,
    )
}
