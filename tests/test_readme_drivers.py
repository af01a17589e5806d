"""The README's proxy examples (asyncio and blocking) run as written against the bundled
AGW in-process, with a UE offer and a core answer filled in."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agw.helpers import write_certificate
from tests.drivers.test_aio_inprocess import core_answer, ue_offer

README = Path(__file__).resolve().parent.parent / "README.md"


def proxy_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = re.search(r"## In a SIP proxy\n(.*?)\n## ", text, re.S)
    assert section is not None
    return re.findall(r"```python\n(.*?)```", section.group(1), re.S)


@pytest.fixture
def core_port() -> Iterator[int]:
    """Where the core 'answers': a socket the AGW's core leg can connect to."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield int(listener.getsockname()[1])


@pytest.mark.parametrize("index", [0, 1], ids=["asyncio", "blocking"])
def test_proxy_example_runs(tmp_path: Path, core_port: int, index: int) -> None:
    examples = proxy_examples()
    assert len(examples) == 2
    code = examples[index]
    assert len([line for line in code.splitlines() if line.strip()]) <= 15
    printed: list[object] = []
    namespace = {
        "ue_offer_text": ue_offer(write_certificate(tmp_path).fingerprint),
        "core_answer_text": core_answer(core_port),
        "print": printed.append,
    }
    exec(compile(code, "README.md", "exec"), namespace)
    [to_ue] = printed  # the SDP for the UE, and no CallEvent: nothing failed
    assert isinstance(to_ue, str)
    assert "m=message" in to_ue
    assert "TCP/TLS/MSRP" in to_ue
    assert "a=3ge2ae:applied" in to_ue
    assert "a=fingerprint:sha-256" in to_ue
