"""The load generators, over HTTP with the standard library (no wrk, nothing to install).

- `LoadGenerator`: closed-loop load from a process of its own: `concurrency` logged-in
  sessions, each sending its next request as soon as the last is answered, for a slice of
  seconds or a number of requests; every request's latency is recorded, and a response that
  is not 2xx ends the slice with its URL and status (`LoadError`).
- `think_time_run`: open users, each logged in, going round a list of URLs with a random think
  time between requests, as people at their desks do; per URL and overall p50, p95, max, count.

Neither imports Django: the generator's process starts fresh (spawn) and only speaks HTTP.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from bench.http.client import Session
from bench.http.stats import Summary, summarize


class LoadError(RuntimeError):
    """A request failed or was answered with a status that is not 2xx."""


@dataclass
class Target:
    """One kind of request: `path` with each "{}" replaced by the next of `fills` (each used
    once; the slice ends when they run out), and a body (bytes, or a callable making a fresh
    one for each request) for a write."""

    name: str
    path: str
    method: str = "GET"
    body: bytes | Callable[[], bytes] | None = None
    fills: Sequence[str] = ()


@dataclass
class Slice:
    """What one slice of load measured: each answered request's latency (ms) and the seconds
    from its start until the last answer; `exhausted` when the target ran out of fills."""

    latencies_ms: list[float]
    seconds: float
    exhausted: bool = False

    def summary(self) -> Summary:
        return summarize(self.latencies_ms, self.seconds)


class LoadGenerator:
    """Closed-loop load from a separate process (so the client's work does not share this
    process's interpreter): use as a context manager, `define` each target once (its fills
    and body maker then live in that process, so ID numbers stay fresh across slices), then
    `run` slices of it."""

    def __init__(self, base_url: str, username: str, password: str, *, concurrency: int = 8):
        self.args = (base_url, username, password, max(1, concurrency))
        self._pipe = None
        self._process = None

    def __enter__(self) -> LoadGenerator:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(
            target=_generator_main, args=(child, *self.args), name="bench-load", daemon=True
        )
        self._process.start()
        child.close()
        self._call(("ready",))
        return self

    def __exit__(self, *exc_info) -> None:
        if self._process is None:
            return
        with contextlib.suppress(OSError):
            self._pipe.send(("stop",))
        self._process.join(5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
        self._pipe.close()
        self._process = None

    def define(self, target: Target) -> None:
        self._call(("define", target))

    def run(self, name: str, *, seconds: float | None = None, count: int | None = None) -> Slice:
        """Load `name` for `seconds`, or until `count` requests have been answered."""
        return self._call(("run", name, seconds, count))

    def _call(self, message: tuple):
        self._pipe.send(message)
        try:
            kind, value = self._pipe.recv()
        except EOFError:
            raise LoadError("the load generator's process ended unexpectedly") from None
        if kind == "error":
            raise LoadError(value)
        return value


def _generator_main(pipe, base_url: str, username: str, password: str, concurrency: int):
    """The generator's process: answer the parent's messages until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends this
    sessions: list[Session] = []
    targets: dict[str, _State] = {}
    while True:
        try:
            message = pipe.recv()
        except EOFError:
            return
        try:
            if message[0] == "stop":
                return
            if message[0] == "ready":
                for _ in range(concurrency):
                    session = Session(base_url)
                    session.login(username, password)
                    sessions.append(session)
                answer = None
            elif message[0] == "define":
                target = message[1]
                targets[target.name] = _State(target)
                answer = None
            else:
                _, name, seconds, count = message
                answer = _run_slice(sessions, targets[name], seconds, count)
            pipe.send(("ok", answer))
        except Exception as error:
            pipe.send(("error", str(error) or repr(error)))


@dataclass
class _State:
    target: Target
    lock: threading.Lock = field(default_factory=threading.Lock)
    fills: Iterator[str] | None = None

    def __post_init__(self):
        if self.target.fills:
            self.fills = iter(self.target.fills)

    def next_request(self) -> tuple[str, bytes | None] | None:
        """The next path and body, or None when the fills have run out."""
        with self.lock:
            path = self.target.path
            if self.fills is not None:
                value = next(self.fills, None)
                if value is None:
                    return None
                path = path.replace("{}", value)
            body = self.target.body
            return path, body() if callable(body) else body


def _run_slice(
    sessions: list[Session], state: _State, seconds: float | None, count: int | None
) -> Slice:
    stop = threading.Event()
    lock = threading.Lock()
    errors: list[str] = []
    latencies: list[list[float]] = [[] for _ in sessions]
    issued = 0
    exhausted = False
    start = time.perf_counter()
    deadline = start + seconds if seconds is not None else math.inf

    def take() -> tuple[str, bytes | None] | None:
        nonlocal issued, exhausted
        with lock:
            if count is not None and issued >= count:
                return None
            issued += 1
        request = state.next_request()
        if request is None:
            exhausted = True
        return request

    def work(session: Session, out: list[float]) -> None:
        while not stop.is_set() and time.perf_counter() < deadline:
            request = take()
            if request is None:
                return
            try:
                out.append(session.timed(state.target.method, *request))
            except Exception as error:
                errors.append(f"{state.target.name}: {error}")
                stop.set()
                return

    elapsed = _all_at_once(work, zip(sessions, latencies, strict=True), start, errors)
    return Slice([value for out in latencies for value in out], elapsed, exhausted)


def _all_at_once(work, arguments, start: float, errors: list[str]) -> float:
    """`work(*each)` for each of `arguments`, each in a thread of its own, all at once;
    the seconds since `start` when the last ends. Raises LoadError on the first error."""
    threads = [threading.Thread(target=work, args=each, daemon=True) for each in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise LoadError(errors[0])
    return elapsed


@dataclass(frozen=True)
class ThinkTimeResults:
    """A think-time run: the users, its seconds, and each URL's latencies and all of them."""

    users: int
    seconds: float
    per_url: dict[str, Summary]
    overall: Summary

    def figures(self) -> list[tuple[str, str]]:
        """One line per URL and one for all, for `bench.reporting.write_figures`."""
        return [
            (name, _describe(summary))
            for name, summary in [*self.per_url.items(), ("all requests", self.overall)]
        ]


def _describe(summary: Summary) -> str:
    return (
        f"{summary.count:6d} requests  p50 {summary.p50:7.1f} ms  p95 {summary.p95:7.1f} ms"
        f"  max {summary.max:7.1f} ms"
    )


def think_time_run(
    base_url: str,
    logins: Sequence[tuple[str, str]],
    urls: Sequence[str],
    *,
    users: int = 32,
    seconds: float = 60.0,
    think: tuple[float, float] = (1.0, 5.0),
    seed: int | None = None,
) -> ThinkTimeResults:
    """`users` people at once, user i logged in (over the login form) as `logins[i % len]`,
    each going round `urls` (GET, starting at a different one) with a think time drawn
    uniformly from `think` seconds before each request, for `seconds`. Raises LoadError on
    an answer that is not 2xx."""
    if not logins or not urls:
        raise ValueError("think_time_run needs at least one login and one URL")
    sessions = []
    for number in range(users):
        session = Session(base_url)
        session.login(*logins[number % len(logins)])
        sessions.append(session)
    stop = threading.Event()
    lock = threading.Lock()
    errors: list[str] = []
    latencies: dict[str, list[float]] = {url: [] for url in urls}
    start = time.perf_counter()
    deadline = start + seconds

    def person(number: int, session: Session) -> None:
        rng = random.Random(None if seed is None else seed + number)
        position = number % len(urls)
        while True:
            pause = rng.uniform(*think)
            if time.perf_counter() + pause >= deadline or stop.wait(pause):
                break
            url = urls[position]
            position = (position + 1) % len(urls)
            try:
                latency = session.timed("GET", url)
            except Exception as error:
                errors.append(str(error))
                stop.set()
                return
            with lock:
                latencies[url].append(latency)
        session.close()

    elapsed = _all_at_once(person, enumerate(sessions), start, errors)
    return ThinkTimeResults(
        users=users,
        seconds=elapsed,
        per_url={url: summarize(values, elapsed) for url, values in latencies.items()},
        overall=summarize([v for values in latencies.values() for v in values], elapsed),
    )
