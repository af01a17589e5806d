"""Command-line interface (placeholder replaced by the rewrite command)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    raise SystemExit("imsalg: no command yet")
