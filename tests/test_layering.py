"""The dependency rules of DESIGN.md §1, checked on the source (AST, nothing is imported).

The pure core — ``imsalg/sdp``, ``imsalg/h248``, ``imsalg/iq``, ``imsalg/alg`` and
``imsalg/errors.py`` — does no I/O at all: no sockets, no event loop, no TLS, no DNS
resolution, no processes or threads, no clock, no randomness, no files. It never
imports the layers above it (the AGW, the CLI, drivers). ``sdp_transform`` is imported
by one module only, the interop adapter. Each module is checked on its own, so a
failure names the file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parents[1]
CORE_PACKAGES: Final = ("imsalg/sdp", "imsalg/h248", "imsalg/iq", "imsalg/alg")
CORE_MODULES: Final = ("imsalg/errors.py", "imsalg/_fast.py")

#: Imports the core must not make: (module or package, reason). A package covers its
#: submodules (``os`` covers ``os.path``), except those in :data:`ALLOWED`.
FORBIDDEN_IMPORTS: Final[tuple[tuple[str, str], ...]] = (
    ("socket", "network I/O belongs to imsalg.agw and the drivers"),
    ("asyncio", "the engine is sans-IO: events in, actions out"),
    ("select", "I/O multiplexing is the backend's business"),
    ("selectors", "I/O multiplexing is the backend's business"),
    ("ssl", "TLS is terminated by the AGW (pyOpenSSL), never by the core"),
    ("OpenSSL", "TLS is terminated by the AGW (pyOpenSSL), never by the core"),
    ("cryptography", "certificates are minted by imsalg.agw.certs and passed in"),
    ("dns", "DNS resolution is I/O (ResolveHost/HostResolved); only pure helpers below"),
    ("subprocess", "no processes from the core"),
    ("multiprocessing", "no processes from the core"),
    ("threading", "no threads: the caller owns concurrency"),
    ("concurrent", "no threads or processes: the caller owns concurrency"),
    ("signal", "process control is the application's business"),
    ("time", "no clocks: time arrives as `now` (aioquic style)"),
    ("random", "no hidden randomness: seeds and ids are injected (golden files)"),
    ("secrets", "no hidden randomness: seeds and ids are injected (golden files)"),
    ("urllib", "no network access"),
    ("http", "no network access"),
    ("os", "no I/O at all, os.path included: paths are the CLI's business"),
    ("pathlib", "no file system access"),
    ("shutil", "no file system access"),
    ("tempfile", "no file system access"),
    ("glob", "no file system access"),
    ("importlib", "dynamic imports would slip past this test"),
    ("imsalg.agw", "dependency direction: the AGW depends on the core, not the reverse"),
    ("imsalg.cli", "dependency direction: the CLI depends on the core, not the reverse"),
    ("imsalg.drivers", "dependency direction: drivers depend on the core, not the reverse"),
    ("imsalg.transport", "dependency direction: H.248 over UDP/TCP (asyncio) is I/O on top"),
    ("imsalg.demo", "dependency direction: the demo depends on the core, not the reverse"),
    ("imsalg.__main__", "dependency direction: the entry point depends on the core"),
)
#: Pure dnspython helpers (address syntax only) the core may use.
ALLOWED: Final = ("dns.inet", "dns.ipv4", "dns.ipv6")

#: Calls the core must not make: builtins doing I/O or evading the import rules.
FORBIDDEN_BUILTINS: Final[dict[str, str]] = {
    "open": "no file I/O",
    "print": "no print in library code (STYLE.md)",
    "input": "no terminal I/O",
    "breakpoint": "no debugger hooks",
    "exec": "no dynamic code",
    "eval": "no dynamic code",
    "__import__": "dynamic imports would slip past this test",
}
#: ``datetime.now()`` and friends read the clock without importing ``time``.
CLOCK_READS: Final = frozenset({"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp"})
CLOCK_TYPES: Final = frozenset({"datetime", "date"})

#: The one library module allowed to import sdp_transform, and the tools that measure it.
SDP_TRANSFORM_IMPORTERS: Final = ("imsalg/sdp/transform.py", "tools/bench_sdp.py")


def module_name(path: Path) -> str:
    """``imsalg/alg/engine.py`` → ``imsalg.alg.engine``; a package's ``__init__`` → the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """``(line, dotted name)`` for every import, relative ones resolved.

    ``from a.b import c`` yields ``a.b.c`` (``c`` may be a submodule), or ``a.b`` for
    ``import *``; ``import a.b`` yields ``a.b``.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            for alias in node.names:
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}"


def _covers(prefix: str, name: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def forbidden_import(name: str) -> str | None:
    """The reason *name* may not be imported by the core, or ``None``."""
    if any(_covers(allowed, name) for allowed in ALLOWED):
        return None
    for prefix, reason in FORBIDDEN_IMPORTS:
        if _covers(prefix, name):
            return reason
    return None


def core_violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Every breach of the core's rules in *source*, as ``"line N: what (why)"``."""
    tree = ast.parse(source)
    found = []
    for line, name in imported_names(tree, module, is_package):
        reason = forbidden_import(name)
        if reason is not None:
            found.append(f"line {line}: imports {name} ({reason})")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
            found.append(f"line {node.lineno}: calls {func.id}() ({FORBIDDEN_BUILTINS[func.id]})")
        if isinstance(func, ast.Attribute) and func.attr in CLOCK_READS:
            owner = func.value
            owner_name = (
                owner.id
                if isinstance(owner, ast.Name)
                else owner.attr
                if isinstance(owner, ast.Attribute)
                else None
            )
            if owner_name in CLOCK_TYPES:
                found.append(
                    f"line {node.lineno}: calls {owner_name}.{func.attr}() "
                    "(no clocks: time arrives as `now`)"
                )
    return found


def sdp_transform_imports(source: str) -> list[int]:
    """Lines of *source* that import sdp_transform."""
    tree = ast.parse(source)
    return [
        line for line, name in imported_names(tree, "x", False) if _covers("sdp_transform", name)
    ]


def _core_files() -> list[Path]:
    files = [path for package in CORE_PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return files + [ROOT / module for module in CORE_MODULES]


CORE_FILES: Final = _core_files()
LIBRARY_AND_TOOLS: Final = sorted(
    [*(ROOT / "imsalg").rglob("*.py"), *(ROOT / "tools").rglob("*.py")]
)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_core_is_where_we_look() -> None:
    names = {_rel(path) for path in CORE_FILES}
    for required in (
        "imsalg/sdp/model.py",
        "imsalg/sdp/roles.py",
        "imsalg/alg/engine.py",
        "imsalg/iq/procedures.py",
        "imsalg/errors.py",
    ):
        assert required in names
    assert any(name.startswith("imsalg/h248/") for name in names)


@pytest.mark.parametrize("path", CORE_FILES, ids=_rel)
def test_core_module_does_no_io_and_imports_no_upper_layer(path: Path) -> None:
    problems = core_violations(
        path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py"
    )
    assert not problems, f"{_rel(path)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", LIBRARY_AND_TOOLS, ids=_rel)
def test_only_the_adapter_imports_sdp_transform(path: Path) -> None:
    if _rel(path) in SDP_TRANSFORM_IMPORTERS:
        return
    lines = sdp_transform_imports(path.read_text(encoding="utf-8"))
    assert not lines, (
        f"{_rel(path)} imports sdp_transform (line {lines[0]}); only "
        "imsalg/sdp/transform.py may (DESIGN.md §2: interop and test oracle only)"
    )


# -- the checker itself catches what it must ------------------------------------------------


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import socket", "imsalg.sdp.x", "imports socket"),
        ("import os.path", "imsalg.sdp.x", "imports os.path"),
        ("from os import path", "imsalg.sdp.x", "imports os.path"),
        ("from os.path import join", "imsalg.sdp.x", "imports os.path.join"),
        ("import asyncio as aio", "imsalg.alg.x", "imports asyncio"),
        ("from OpenSSL import SSL", "imsalg.alg.x", "imports OpenSSL.SSL"),
        ("from cryptography import x509", "imsalg.iq.x", "imports cryptography.x509"),
        ("import dns.resolver", "imsalg.alg.x", "imports dns.resolver"),
        ("from dns import asyncresolver", "imsalg.alg.x", "imports dns.asyncresolver"),
        ("import time", "imsalg.h248.x", "imports time"),
        ("from random import Random", "imsalg.alg.x", "imports random.Random"),
        ("from ..agw import certs", "imsalg.alg.x", "imports imsalg.agw.certs"),
        ("from ..agw.certs import mint_certificate", "imsalg.alg.x", "imsalg.agw.certs"),
        ("from imsalg import cli", "imsalg.alg.x", "imports imsalg.cli"),
        ("from .. import drivers", "imsalg.alg.x", "imports imsalg.drivers"),
        ("import imsalg.agw.relay", "imsalg.h248.x", "imports imsalg.agw.relay"),
        ("from ..transport import locate", "imsalg.h248.x", "imports imsalg.transport.locate"),
        ("def f():\n    import subprocess", "imsalg.sdp.x", "imports subprocess"),
        ("import datetime\nx = datetime.datetime.now()", "imsalg.alg.x", "datetime.now()"),
        ("from datetime import date\nx = date.today()", "imsalg.alg.x", "date.today()"),
        ("print('x')", "imsalg.alg.x", "calls print()"),
        ("open('f')", "imsalg.sdp.x", "calls open()"),
        ("m = __import__('socket')", "imsalg.sdp.x", "calls __import__()"),
    ],
)
def test_the_checker_finds(source: str, module: str, expected: str) -> None:
    problems = core_violations(source, module)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("source", "module", "is_package"),
    [
        ("import dns.inet", "imsalg.alg.x", False),
        ("from dns import ipv4, ipv6", "imsalg.alg.x", False),
        ("from . import rules", "imsalg.alg.x", False),
        ("from .rules import classify", "imsalg.alg", True),
        ("from ..sdp.model import SDPEditor", "imsalg.alg.x", False),
        ("import datetime\nx = datetime.timedelta(1)", "imsalg.alg.x", False),
        ("import hashlib, ipaddress, re, enum, typing, json", "imsalg.h248.x", False),
        ("from .json import dumps", "imsalg.h248", True),
        ("import osmosis, timelib, randomizer, dnsmodel", "imsalg.sdp.x", False),
    ],
)
def test_the_checker_allows(source: str, module: str, is_package: bool) -> None:
    assert core_violations(source, module, is_package=is_package) == []


def test_relative_imports_resolve_against_the_package() -> None:
    tree = ast.parse("from . import a\nfrom .. import b\nfrom .c import d")
    assert [name for _, name in imported_names(tree, "imsalg.alg.engine", False)] == [
        "imsalg.alg.a",
        "imsalg.b",
        "imsalg.alg.c.d",
    ]
    assert [name for _, name in imported_names(tree, "imsalg.alg", True)] == [
        "imsalg.alg.a",
        "imsalg.b",
        "imsalg.alg.c.d",
    ]


def test_sdp_transform_detection() -> None:
    assert sdp_transform_imports("import sdp_transform") == [1]
    assert sdp_transform_imports("x = 1\nfrom sdp_transform import parse") == [2]
    assert sdp_transform_imports("import sdp_transform_like") == []
