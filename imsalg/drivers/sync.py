"""The blocking driver: :class:`ALG` / :class:`SyncCall` for proxies that use threads.

It owns the bridge between a proxy's threads and an asyncio event loop; the work is
the asyncio driver's (:mod:`imsalg.drivers.aio`), run underneath unchanged.

- :class:`BackgroundLoop` runs an event loop on a daemon thread; ``close()`` cancels
  what is left on it, stops it and joins the thread.
- A gateway lives on such a loop: :class:`ThreadedAGW` (the bundled AGW in this
  process), :meth:`ThreadedGateway.remote` (an AGW over H.248),
  :meth:`ThreadedGateway.start` (any :class:`~imsalg.drivers.gateways.AsyncGateway`,
  e.g. an :class:`~imsalg.drivers.pool.AGWPool`).
- :class:`ALG` and :class:`SyncCall` have the shape of :class:`~imsalg.drivers.aio.AsyncALG`
  and :class:`~imsalg.drivers.aio.AsyncCall` with blocking methods: each one submits the
  async call to the loop (``asyncio.run_coroutine_threadsafe``) and waits for it. There
  is no timeout of our own: the H.248 transaction timers bound every wait, and
  abandoning an exchange half way would leave the call in doubt.

Threads
- Every :class:`SyncCall` method is thread-safe: one lock per call, so concurrent
  callers on the same call take turns; different calls proceed in parallel.
- Notifications (TLS failure, bearer released, AGW lost) reach ``on_event`` **on the
  loop's thread**, and are also put on :attr:`SyncCall.events` (a :class:`queue.Queue`).
  The callback must not block: a blocking :class:`SyncCall` method called from it
  raises :class:`LoopThreadError` at once (it would wait for the thread it runs on).
  Hand the work to a proxy thread instead, or read :attr:`SyncCall.events` there.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

from imsalg.agw.config import AGWConfig
from imsalg.agw.gateway import AGW
from imsalg.alg.config import AlgPolicy
from imsalg.alg.events import CallReleased
from imsalg.alg.state import StreamState
from imsalg.errors import GatewayError, IMSALGError
from imsalg.iq.procedures import GatewayFailure, GatewayRequest, GatewayResult, Side

from .aio import AsyncALG, AsyncCall, CallEvent
from .gateways import AsyncGateway, InProcessGateway
from .remote import RemoteGateway
from .sdpform import SDPBody

__all__ = [
    "ALG",
    "BackgroundLoop",
    "LoopThreadError",
    "SyncCall",
    "ThreadedAGW",
    "ThreadedGateway",
]

logger = logging.getLogger(__name__)

#: How often a waiting caller checks that the loop thread is still alive (seconds).
_WAKE = 1.0

T = TypeVar("T")
G = TypeVar("G", bound=AsyncGateway)
TG = TypeVar("TG", bound="ThreadedGateway")


class LoopThreadError(IMSALGError, RuntimeError):
    """A blocking driver method was called on the event loop's own thread (e.g. from a
    notification callback): it would wait for itself forever (500)."""

    sip_status = 500


class BackgroundLoop:
    """An asyncio event loop running on its own daemon thread."""

    def __init__(self, *, name: str = "imsalg-loop") -> None:
        self._loop = asyncio.new_event_loop()
        self._closed = False
        started = threading.Event()
        self._thread = threading.Thread(target=self._main, args=(started,), name=name, daemon=True)
        self._thread.start()
        started.wait()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop (use it only through thread-safe calls)."""
        return self._loop

    @property
    def thread(self) -> threading.Thread:
        """The thread running the loop (where notification callbacks run)."""
        return self._thread

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run *coroutine* on the loop and block until it is done; returns its result.

        Its exceptions are raised here. Raises :class:`LoopThreadError` on the loop's
        own thread and :class:`~imsalg.errors.GatewayError` (503) once closed.
        """
        try:
            self._check_caller()
        except IMSALGError:
            coroutine.close()
            raise
        try:
            future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        except RuntimeError:  # the loop closed since the check
            coroutine.close()
            raise GatewayError("the gateway's event loop is closed", sip_status=503) from None
        while True:
            try:
                return future.result(timeout=_WAKE)
            except concurrent.futures.TimeoutError:
                # Not a timeout of the request (module docstring): the loop may be gone.
                if not self._thread.is_alive():
                    future.cancel()
                    raise GatewayError(
                        "the event loop stopped during the request", sip_status=503
                    ) from None
            except concurrent.futures.CancelledError:
                raise GatewayError(
                    "the event loop stopped during the request", sip_status=503
                ) from None

    def call(self, function: Callable[..., T], *args: object) -> T:
        """Call a plain *function* on the loop's thread and return its result."""

        async def wrapped() -> T:
            return function(*args)

        return self.run(wrapped())

    def close(self, timeout: float = 10.0) -> None:
        """Cancel the tasks left on the loop, stop it and join its thread."""
        if self._closed:
            return
        if threading.current_thread() is self._thread:
            raise LoopThreadError("a BackgroundLoop cannot be closed from its own thread")
        self._closed = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)

    def __enter__(self) -> BackgroundLoop:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _check_caller(self) -> None:
        if self._closed:
            raise GatewayError("the gateway's event loop is closed", sip_status=503)
        if threading.current_thread() is self._thread:
            raise LoopThreadError(
                "blocking imsalg driver call on the event loop's thread (from a notification "
                "callback?): hand it to another thread"
            )

    def _main(self, started: threading.Event) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        loop.call_soon(started.set)
        try:
            loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            asyncio.set_event_loop(None)
            loop.close()


class ThreadedGateway:
    """An :class:`~imsalg.drivers.gateways.AsyncGateway` living on a
    :class:`BackgroundLoop`, for :class:`ALG`.

    Without a *loop* argument each gateway starts its own and closes it in :meth:`close`.
    """

    def __init__(
        self,
        gateway: AsyncGateway,
        loop: BackgroundLoop,
        *,
        close: Callable[[], Coroutine[Any, Any, None]] | None = None,
        owns_loop: bool = False,
    ) -> None:
        # Use start(), remote() or ThreadedAGW.
        self.gateway = gateway
        self.loop = loop
        self._close = close
        self._owns_loop = owns_loop
        self._closed = False

    @classmethod
    def start(
        cls,
        factory: Callable[[], Awaitable[G]],
        *,
        close: Callable[[G], Coroutine[Any, Any, None]] | None = None,
        loop: BackgroundLoop | None = None,
    ) -> ThreadedGateway:
        """Create a gateway with ``await factory()`` on the loop; ``close(gateway)`` ends it."""

        async def create() -> G:
            return await factory()

        background, own, gateway = _run_on(loop, create(), "imsalg-gateway")
        closer = None if close is None else (lambda: close(gateway))
        return cls(gateway, background, close=closer, owns_loop=own)

    @classmethod
    def remote(
        cls,
        destination: str | list[tuple[str, int]],
        *,
        loop: BackgroundLoop | None = None,
        **options: Any,
    ) -> ThreadedGateway:
        """An AGW over H.248: :meth:`RemoteGateway.connect(destination, **options)
        <imsalg.drivers.remote.RemoteGateway.connect>` on the loop."""

        async def connect() -> RemoteGateway:
            return await RemoteGateway.connect(destination, **options)

        return cls.start(connect, close=RemoteGateway.close, loop=loop)

    def close(self) -> None:
        """Close the gateway, then the loop if it is this gateway's own."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._close is not None and not self.loop.closed:
                self.loop.run(self._close())
        finally:
            if self._owns_loop:
                self.loop.close()

    def __enter__(self: TG) -> TG:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """One Iq transaction, blocking (a :class:`~imsalg.alg.driver.GatewayBackend`)."""
        return self.loop.run(self.gateway.execute(request))


class ThreadedAGW(ThreadedGateway):
    """The bundled AGW, started in this process on a :class:`BackgroundLoop`."""

    def __init__(
        self, config: AGWConfig | None = None, *, loop: BackgroundLoop | None = None
    ) -> None:
        async def start() -> AGW:
            agw = AGW(config)
            await agw.start()
            return agw

        background, own, self.agw = _run_on(loop, start(), "imsalg-agw")
        super().__init__(
            InProcessGateway(self.agw), background, close=self.agw.close, owns_loop=own
        )


def _run_on(
    loop: BackgroundLoop | None, coroutine: Coroutine[Any, Any, T], name: str
) -> tuple[BackgroundLoop, bool, T]:
    """Run *coroutine* on *loop*, or on a new loop (closed again if it fails); returns
    the loop, whether it is new, and the result."""
    own = loop is None
    background = loop if loop is not None else BackgroundLoop(name=name)
    try:
        return background, own, background.run(coroutine)
    except BaseException:
        if own:
            background.close()
        raise


class SyncCall:
    """One call: feed it SDP, get SDP back (blocking; thread-safe)."""

    def __init__(
        self, alg: ALG, call: AsyncCall, on_event: Callable[[CallEvent], object] | None
    ) -> None:
        self.alg = alg
        self.call_id = call.call_id
        self.on_event = on_event
        self._call = call
        self._lock = threading.Lock()
        #: Every :class:`CallEvent` of this call, for proxies that prefer to poll.
        self.events: queue.Queue[CallEvent] = queue.Queue()

    @property
    def streams(self) -> tuple[StreamState, ...]:
        """The current stream plans (a snapshot; safe from any thread, the callback too)."""
        return self._call.streams

    @property
    def exchanges(self) -> list[tuple[GatewayRequest, GatewayResult | GatewayFailure]]:
        """Every Iq request sent for this call with the AGW's answer, in order (a copy)."""
        return list(self._call.exchanges)

    def sdp(self, side: Side | str, body: SDPBody) -> Any:
        """An SDP body arrived from *side*; returns the body to forward, in the same form
        (text, or an sdp-transform dict).

        Raises :class:`~imsalg.errors.IMSALGError` (with ``sip_status``) when it must be
        refused; the call is then unchanged.
        """
        return self._run(self._call.sdp(side, body))

    def offer_rejected(self) -> None:
        """The offer this call forwarded got a non-2xx answer: undo its reservations."""
        self._run(self._call.offer_rejected())

    def release(self) -> CallReleased:
        """The call ended: release every AGW resource; returns the statistics."""
        return self._run(self._call.release())

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        loop = self.alg.gateway.loop
        try:
            loop._check_caller()
        except IMSALGError:
            coroutine.close()
            raise
        with self._lock:
            return loop.run(coroutine)

    def _deliver(self, event: CallEvent) -> None:
        """On the loop's thread: queue *event* and hand it to the proxy's callback."""
        self.events.put(event)
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:
                # A proxy bug must not stop the AGW's notifications for other calls.
                logger.exception("on_event callback of call %s failed", self.call_id)


class ALG:
    """The IMS-ALG for a blocking proxy: calls sharing one gateway on a background loop.

    Its state is only touched on the loop's thread. :meth:`close` releases the calls;
    closing the gateway is its owner's business.
    """

    def __init__(self, gateway: ThreadedGateway, policy: AlgPolicy | None = None) -> None:
        self.gateway = gateway
        self._calls: dict[str, SyncCall] = {}
        self._alg = gateway.loop.call(AsyncALG, gateway.gateway, policy)

    @property
    def policy(self) -> AlgPolicy:
        """The ALG policy every call uses."""
        return self._alg.policy

    def call(
        self,
        call_id: str,
        *,
        ue_e2ae: bool = True,
        on_event: Callable[[CallEvent], object] | None = None,
    ) -> SyncCall:
        """The call named *call_id* (e.g. the SIP Call-ID), created on first use.

        *ue_e2ae*: the UE registered ``msrp-tls;mediasec`` (TS 24.229 §7.2A.7).
        *on_event* is called on the event loop's thread (module docstring).
        """

        def attach() -> SyncCall:
            inner = self._alg.call(call_id, ue_e2ae=ue_e2ae)
            found = self._calls.get(call_id)
            if found is not None and found._call is inner:
                return found
            created = SyncCall(self, inner, on_event)
            inner.on_event = created._deliver
            self._calls[call_id] = created
            return created

        return self.gateway.loop.call(attach)

    @property
    def calls(self) -> tuple[SyncCall, ...]:
        """The calls not yet released."""

        def live() -> tuple[SyncCall, ...]:
            return tuple(self._calls[call.call_id] for call in self._alg.calls)

        return self.gateway.loop.call(live)

    def close(self) -> None:
        """Release every call (waiting for pending notification handling)."""
        self.gateway.loop.run(self._alg.close())
        self.gateway.loop.call(self._calls.clear)
