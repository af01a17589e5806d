"""Long fuzz runs of the parsers and the engine: ``tools/fuzz`` (see ``--help``).

Targets (tests/fuzz/): ``sdp`` (SessionDescription.parse, read_media, the typed readers,
SDPEditor), ``engine`` (scripted calls through Call.handle with a failing gateway stub),
``h248`` (decode, encode round trip, the Iq mapping of what decodes), ``msrp`` (MSRPParser
and MSRPPathRewriter under any chunking). A target may refuse input only with the library's
typed errors; anything else, or a broken invariant, is a crash.

Engines: ``atheris`` (coverage-guided libFuzzer over the imsalg package, the targets'
structure-aware mutations mixed with libFuzzer's own) when it imports; otherwise, and with
``--engine random``, a random-mutation loop (the same mutations, seeds from fixtures/, an
input that meets a new kind of refusal joins the pool; not coverage-guided). ``auto``
(the default) says which one runs and why. Each target runs in its own process, at most
``--jobs`` at a time, for ``--seconds`` each.

Per input a time bound (``--timeout``, SIGALRM via ``setitimer``) reports a hang; an input
stuck in C code beyond ``--hard-timeout`` ends the process through ``faulthandler``, and
the parent saves the input that was running (kept in a memory-mapped file). Crashes and
hangs are saved under ``fuzz-crashes/<target>/`` (git-ignored) with their traceback, and
the report prints a command that replays each one.
"""

from __future__ import annotations

import argparse
import collections
import faulthandler
import hashlib
import importlib
import json
import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import FrameType, ModuleType
from typing import TYPE_CHECKING, Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:  # imported late at run time: atheris must instrument imsalg first
    from tests.fuzz.harness import Target

TARGET_NAMES: Final = ("sdp", "engine", "h248", "msrp")
CRASH_DIR: Final = ROOT / "fuzz-crashes"
#: Saved inputs per distinct crash (the shortest ones are kept).
_KEEP_PER_CRASH: Final = 3
_FLUSH_EVERY: Final = 1.0
_MAX_INPUT: Final = 1 << 17


class _Hang(BaseException):
    """Raised by the SIGALRM handler: the input ran past the time bound. A BaseException,
    so no ``except Exception`` in the code under test can swallow it."""


#: Whether an input is running: a SIGALRM delivered late (the input ran long inside C
#: code and the handler only gets to run after it returned) must not hit the bookkeeping.
_ARMED = [False]


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _ARMED[0]:
        raise _Hang


def _load_atheris() -> tuple[ModuleType | None, str]:
    """The atheris module, or None and why it cannot be used."""
    try:
        module = importlib.import_module("atheris")
    except Exception as error:  # ImportError, or a native library that fails to load
        return None, f"{type(error).__name__}: {error}"
    return module, f"atheris {getattr(module, '__version__', '')}".strip()


# -- the child: one target, one engine --------------------------------------------------------


class _Runner:
    """Runs inputs of one target under the time bound and keeps the statistics."""

    def __init__(self, target: Target, args: argparse.Namespace, engine: str) -> None:
        self.target = target
        self.engine = engine
        self.timeout = float(args.timeout)
        self.stats_path = Path(args.stats)
        self.crash_dir = Path(args.crash_dir) / target.name
        self.deadline = time.monotonic() + float(args.seconds)
        self.started = time.monotonic()
        self.inputs = 0
        self.typed: collections.Counter[str] = collections.Counter()
        self.examples: dict[str, str] = {}
        self.crashes: dict[str, dict[str, Any]] = {}
        self.hangs: dict[str, dict[str, Any]] = {}
        self.slowest = 0.0
        self.last_flush = 0.0
        self.note = args.note or ""
        # The input under test, for the parent if this process dies inside one.
        self._current_file = Path(args.current)
        with self._current_file.open("wb") as handle:
            handle.truncate(_MAX_INPUT + 8)
        self._current_handle = self._current_file.open("r+b")
        self._current = mmap.mmap(self._current_handle.fileno(), _MAX_INPUT + 8)
        signal.signal(signal.SIGALRM, _on_alarm)

    def execute(self, data: bytes) -> list[str] | None:
        """Run one input; return the new typed-error signatures it showed (None: crash or
        hang)."""
        data = data[:_MAX_INPUT]
        self._current[:8] = struct.pack(">Q", len(data))
        self._current[8 : 8 + len(data)] = data
        self.inputs += 1
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        _ARMED[0] = True
        try:
            seen = self.target.run(data)
            _ARMED[0] = False
        except _Hang:
            _ARMED[0] = False
            self._record(self.hangs, "hang", data, "timeout", "".join(traceback.format_exc()))
            return None
        except Exception as error:
            _ARMED[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            tb = traceback.extract_tb(error.__traceback__)
            where = next(
                (
                    f"{Path(f.filename).name}:{f.lineno}"
                    for f in reversed(tb)
                    if "imsalg" in f.filename
                ),
                f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?",
            )
            key = f"{type(error).__name__} at {where}"
            self._record(self.crashes, "crash", data, key, traceback.format_exc())
            return None
        finally:
            _ARMED[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            elapsed = time.perf_counter() - start
            self.slowest = max(self.slowest, elapsed)
        if elapsed > self.timeout:  # ran past the bound inside C code, then finished
            self._record(self.hangs, "hang", data, "timeout (in C code)", f"{elapsed:.2f} s")
            return None
        kinds = []
        for item in seen:
            kind, _, example = item.partition("\t")
            kinds.append(kind)
            self.examples.setdefault(kind, example)
        new = [kind for kind in kinds if kind not in self.typed]
        self.typed.update(kinds)
        now = time.monotonic()
        if now - self.last_flush > _FLUSH_EVERY:
            self.flush()
        return new

    def _record(
        self, table: dict[str, dict[str, Any]], kind: str, data: bytes, key: str, detail: str
    ) -> None:
        entry = table.setdefault(key, {"count": 0, "files": []})
        entry["count"] += 1
        if len(entry["files"]) < _KEEP_PER_CRASH:
            self.crash_dir.mkdir(parents=True, exist_ok=True)
            name = f"{kind}-{hashlib.sha1(data).hexdigest()[:16]}"
            path = self.crash_dir / f"{name}.bin"
            path.write_bytes(data)
            (self.crash_dir / f"{name}.txt").write_text(f"{key}\n\n{detail}", encoding="utf-8")
            entry["files"].append(
                str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            )
            entry.setdefault("detail", detail.strip().splitlines()[-1] if detail.strip() else "")
        self.flush()

    def flush(self, *, finished: bool = False) -> None:
        self.last_flush = time.monotonic()
        # Re-armed at every flush: only an input stuck for --hard-timeout trips it.
        faulthandler.dump_traceback_later(self._hard_timeout, exit=True)
        data = {
            "target": self.target.name,
            "engine": self.engine,
            "note": self.note,
            "inputs": self.inputs,
            "seconds": round(time.monotonic() - self.started, 1),
            "typed": dict(self.typed.most_common()),
            "examples": self.examples,
            "crashes": self.crashes,
            "hangs": self.hangs,
            "slowest_ms": round(self.slowest * 1000, 1),
            "finished": finished,
        }
        tmp = self.stats_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self.stats_path)

    _hard_timeout = 60.0

    def done(self) -> bool:
        return time.monotonic() >= self.deadline


def _random_loop(runner: _Runner, seed: int) -> None:
    target = runner.target
    rng = random.Random(seed)
    seeds = target.seeds()
    pool = list(seeds)
    for data in seeds:
        runner.execute(data)
    while not runner.done():
        data = rng.choice(pool)
        for _ in range(rng.choice((1, 1, 2, 3, 5, 8))):
            data = target.mutate(data, rng, pool)
        new = runner.execute(data)
        if new and len(data) < 16384:
            # Feedback without coverage: an input that met a new kind of refusal breeds.
            if len(pool) < 4000:
                pool.append(data)
            else:
                pool[rng.randrange(len(seeds), len(pool))] = data


def _atheris_loop(runner: _Runner, atheris: ModuleType, seed: int) -> None:
    target = runner.target
    seeds = target.seeds()
    corpus = Path(tempfile.mkdtemp(prefix=f"imsalg-fuzz-{target.name}-"))
    for data in seeds:
        (corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)

    def test_one_input(data: bytes) -> None:
        if runner.done():
            runner.flush(finished=True)
            os._exit(0)  # libFuzzer's own exit skips Python's clean-up: the stats are written
        runner.execute(data)

    def mutator(data: bytes, max_size: int, mutation_seed: int) -> bytes:
        rng = random.Random(mutation_seed)
        if rng.random() < 0.6:
            return target.mutate(data, rng, seeds)[:max_size]
        out: bytes = atheris.Mutate(data, max_size)
        return out

    argv = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={int(float(runner.deadline - time.monotonic())) + 60}",
        "-timeout=0",  # the time bound is ours (SIGALRM), so libFuzzer's timer stays off
        f"-max_len={_MAX_INPUT}",
        f"-seed={seed or 1}",
        "-rss_limit_mb=4096",
        "-print_final_stats=0",
        "-close_fd_mask=0",
        f"-artifact_prefix={runner.crash_dir}/libfuzzer-",
    ]
    runner.crash_dir.mkdir(parents=True, exist_ok=True)
    atheris.Setup(argv, test_one_input, custom_mutator=mutator)
    atheris.Fuzz()


def child_main(args: argparse.Namespace) -> int:
    atheris: ModuleType | None = None
    if args.engine == "atheris":
        atheris, why = _load_atheris()
        if atheris is None:
            print(f"atheris does not import: {why}", file=sys.stderr)
            return 3
        with atheris.instrument_imports(include=["imsalg"]):
            targets = importlib.import_module("tests.fuzz.targets")
    else:
        targets = importlib.import_module("tests.fuzz.targets")
    target: Target = targets.TARGETS[args.child]
    runner = _Runner(target, args, args.engine)
    runner._hard_timeout = float(args.hard_timeout)
    runner.flush()
    if atheris is not None:
        _atheris_loop(runner, atheris, args.seed)
    else:
        _random_loop(runner, args.seed)
    runner.flush(finished=True)
    return 0


# -- the parent: processes, report ---------------------------------------------------------------


def _replay(path: Path, target_name: str) -> int:
    targets = importlib.import_module("tests.fuzz.targets")
    target: Target = targets.TARGETS[target_name]
    data = path.read_bytes()
    start = time.perf_counter()
    try:
        seen = target.run(data)
    except Exception:
        traceback.print_exc()
        print(f"CRASH ({time.perf_counter() - start:.3f} s)")
        return 1
    print(f"ok in {time.perf_counter() - start:.3f} s; typed refusals: {len(seen)}")
    for item in seen:
        kind, _, example = item.partition("\t")
        print(f"  {kind}: {example}")
    return 0


def _target_of(path: Path) -> str | None:
    return path.parent.name if path.parent.name in TARGET_NAMES else None


def _spawn(
    name: str, args: argparse.Namespace, engine: str, work: Path, note: str
) -> tuple[subprocess.Popen[bytes], Path, Path, Any]:
    stats = work / f"{name}.json"
    current = work / f"{name}.current"
    log = (work / f"{name}.log").open("wb")
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        name,
        "--engine",
        engine,
        "--seconds",
        str(args.seconds),
        "--timeout",
        str(args.timeout),
        "--hard-timeout",
        str(args.hard_timeout),
        "--seed",
        str(args.seed),
        "--stats",
        str(stats),
        "--current",
        str(current),
        "--crash-dir",
        str(args.crash_dir),
        "--note",
        note,
    ]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    return process, stats, current, log


def _collect(
    name: str,
    process: subprocess.Popen[bytes],
    stats_path: Path,
    current: Path,
    work: Path,
    crash_dir: Path,
) -> dict[str, Any]:
    stats: dict[str, Any] = {"target": name, "inputs": 0, "typed": {}, "crashes": {}, "hangs": {}}
    if stats_path.is_file():
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
    log = (work / f"{name}.log").read_bytes().decode("utf-8", "replace")
    if process.returncode != 0 or not stats.get("finished"):
        # Died inside an input (faulthandler's hard time bound, a signal, libFuzzer): save it.
        data = b""
        if current.is_file():
            raw = current.read_bytes()
            (length,) = struct.unpack(">Q", raw[:8]) if len(raw) >= 8 else (0,)
            data = raw[8 : 8 + length]
        kind = "hangs" if "Timeout" in log or "most recent call first" in log else "crashes"
        key = f"process ended (exit {process.returncode}) inside an input"
        folder = crash_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / f"died-{hashlib.sha1(data).hexdigest()[:16]}.bin"
        file.write_bytes(data)
        (file.with_suffix(".txt")).write_text(log[-20000:], encoding="utf-8")
        stats.setdefault(kind, {})[key] = {
            "count": 1,
            "files": [str(file.relative_to(ROOT) if file.is_relative_to(ROOT) else file)],
            "detail": log.strip().splitlines()[-1] if log.strip() else "",
        }
    stats["log_tail"] = log[-2000:]
    return stats


def _report(results: list[dict[str, Any]], show_errors: int) -> None:
    print()
    header = f"{'target':8} {'engine':8} {'seconds':>8} {'inputs':>10} {'inputs/s':>9} "
    header += f"{'typed':>6} {'crashes':>8} {'hangs':>6} {'slowest':>9}"
    print(header)
    print("-" * len(header))
    for stats in results:
        seconds = float(stats.get("seconds", 0)) or 1.0
        crashes = sum(int(c["count"]) for c in stats["crashes"].values())
        hangs = sum(int(h["count"]) for h in stats["hangs"].values())
        print(
            f"{stats['target']:8} {stats.get('engine', '?'):8} {seconds:8.1f} "
            f"{stats['inputs']:10d} {stats['inputs'] / seconds:9.0f} {len(stats['typed']):6d} "
            f"{crashes:8d} {hangs:6d} {stats.get('slowest_ms', 0):7.1f}ms"
        )
    print("(typed: distinct kinds of typed refusal met; crashes/hangs: inputs)")
    for note in sorted({str(stats.get("note") or "") for stats in results} - {""}):
        print(f"NOTE: {note}")
    for stats in results:
        if show_errors:
            print(f"\n{stats['target']}: the most frequent typed refusals")
            examples = stats.get("examples", {})
            for kind, count in list(stats["typed"].items())[:show_errors]:
                print(f"  {count:9d}  {kind}\n             {examples.get(kind, '')[:90]}")
        for kind in ("crashes", "hangs"):
            for key, entry in stats[kind].items():
                print(f"\n{stats['target']} {kind[:-1].upper()}: {key} ({entry['count']} inputs)")
                if entry.get("detail"):
                    print(f"  {entry['detail']}")
                for file in entry["files"]:
                    print(f"  reproduce: ./tools/fuzz --target {stats['target']} --replay {file}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/fuzz",
        description="Fuzz the SDP layer, the engine, the H.248 codec and Iq mapping, and the "
        "MSRP framing; report inputs tried, typed refusals, crashes and hangs per target.",
    )
    parser.add_argument("--target", choices=(*TARGET_NAMES, "all"), default="all")
    parser.add_argument("--seconds", type=float, default=60.0, help="per target (default 60)")
    parser.add_argument(
        "--engine",
        choices=("auto", "atheris", "random"),
        default="auto",
        help="auto: atheris if it imports, else random mutation (said so)",
    )
    parser.add_argument("--atheris", action="store_true", help="same as --engine atheris")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--timeout",
        type=float,
        help="per-input bound in seconds (default 2; 6 with atheris, whose instrumentation "
        "slows Python code several times)",
    )
    parser.add_argument("--hard-timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--crash-dir", default=str(CRASH_DIR))
    parser.add_argument(
        "--errors", type=int, default=0, help="list the N most frequent typed errors"
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--replay", type=Path, help="run one saved input and show what happens")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--stats", help=argparse.SUPPRESS)
    parser.add_argument("--current", help=argparse.SUPPRESS)
    parser.add_argument("--note", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)
    if args.replay is not None:
        name = args.target if args.target != "all" else _target_of(args.replay)
        if name is None:
            parser.error("--replay needs --target (the file is not under fuzz-crashes/<target>/)")
        return _replay(args.replay, name)

    engine = "atheris" if args.atheris else args.engine
    note = ""
    if engine in ("auto", "atheris"):
        module, why = _load_atheris()
        if module is None:
            if engine == "atheris":
                print(f"tools/fuzz: atheris is not usable here ({why})", file=sys.stderr)
                return 2
            note = f"atheris not usable ({why}): random-mutation engine, not coverage-guided"
            print(f"tools/fuzz: {note}", file=sys.stderr)
            engine = "random"
        else:
            engine = "atheris"
            print(f"tools/fuzz: coverage-guided engine: {why}", file=sys.stderr)
    if args.timeout is None:
        args.timeout = 6.0 if engine == "atheris" else 2.0
    names = list(TARGET_NAMES) if args.target == "all" else [args.target]
    work = Path(tempfile.mkdtemp(prefix="imsalg-fuzz-"))
    crash_dir = Path(args.crash_dir)
    print(
        f"tools/fuzz: {', '.join(names)} for {args.seconds:g} s each, {engine} engine, "
        f"{args.jobs} at a time, per-input bound {args.timeout:g} s",
        file=sys.stderr,
    )
    results: dict[str, dict[str, Any]] = {}
    waiting = list(names)
    running: dict[str, tuple[subprocess.Popen[bytes], Path, Path, Any, float]] = {}
    while waiting or running:
        while waiting and len(running) < max(1, args.jobs):
            name = waiting.pop(0)
            process, stats, current, log = _spawn(name, args, engine, work, note)
            running[name] = (process, stats, current, log, time.monotonic())
        time.sleep(0.5)
        for name, (process, stats, current, log, started) in list(running.items()):
            if process.poll() is None:
                if time.monotonic() - started > args.seconds + args.hard_timeout + 120:
                    process.kill()  # a child that neither ends nor trips faulthandler
                    process.wait()
                else:
                    continue
            log.close()
            results[name] = _collect(name, process, stats, current, work, crash_dir)
            del running[name]
            done = results[name]
            print(
                f"tools/fuzz: {name}: {done['inputs']} inputs in {done.get('seconds', 0)} s",
                file=sys.stderr,
            )
    ordered = [results[name] for name in names]
    _report(ordered, args.errors)
    if args.json:
        Path(args.json).write_text(json.dumps(ordered, indent=1), encoding="utf-8")
    found = any(stats["crashes"] or stats["hangs"] for stats in ordered)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
