"""The H.248 text corpus the codec tests and interop tests share.

``fixtures/h248/<case>-pretty.txt`` and ``<case>-compact.txt`` hold each case in both token
forms; golden files elsewhere (``fixtures/**/*.h248``) join the corpus automatically.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from imsalg.h248 import model as m

__all__ = [
    "FIXTURES",
    "H248_FIXTURES",
    "case_pairs",
    "corpus_files",
    "corpus_messages",
    "streams_of",
]

# A golden file may hold several messages: each starts on a line with its header.
_HEADER = re.compile(rb"(?im)^(?=[ \t]*(?:megaco|!)/[0-9])")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
H248_FIXTURES = FIXTURES / "h248"


def corpus_files() -> list[Path]:
    """Every H.248 text file under ``fixtures/``: ``h248/*.txt`` and ``**/*.h248``."""
    files = set(H248_FIXTURES.glob("*.txt")) | set(FIXTURES.glob("**/*.h248"))
    return sorted(files)


def case_pairs() -> list[tuple[str, Path, Path]]:
    """``(case, pretty file, compact file)`` for every case of ``fixtures/h248``."""
    pairs = []
    for pretty in sorted(H248_FIXTURES.glob("*-pretty.txt")):
        case = pretty.name.removesuffix("-pretty.txt")
        pairs.append((case, pretty, H248_FIXTURES / f"{case}-compact.txt"))
    return pairs


def corpus_messages() -> list[tuple[str, bytes]]:
    """``(id, message bytes)`` for every message of every corpus file, in file order."""
    out = []
    for path in corpus_files():
        data = path.read_bytes()
        starts = [m.start() for m in _HEADER.finditer(data)] or [0]
        starts[0] = 0
        bounds = [*starts, len(data)]
        name = str(path.relative_to(FIXTURES))
        for number, (start, end) in enumerate(pairwise(bounds)):
            suffix = f"#{number + 1}" if len(starts) > 1 else ""
            out.append((name + suffix, data[start:end]))
    return out


def streams_of(message: m.Message) -> list[m.StreamDescriptor]:
    """Every stream descriptor of the commands and command replies of *message*, in order."""
    found = []
    for transaction in message.transactions:
        holders: list[object] = []
        if isinstance(transaction, m.TransactionRequest):
            holders = [c for a in transaction.actions for c in a.commands]
        elif isinstance(transaction, m.TransactionReply):
            holders = [getattr(r, "audit", None) for a in transaction.actions for r in a.replies]
        for holder in holders:
            media = getattr(holder, "media", None)
            if media is not None:
                found.extend(media.streams)
    return found
