"""The HTTP benches' pieces without gunicorn: the arithmetic (percentiles, ratios, the
interleaving of slices), and the client and load generators against a small stand-in server
that logs in as Django's login form does."""

import math
import threading
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from bench.http import HttpError, LoadError, LoadGenerator, Session, Target, think_time_run
from bench.http.stats import (
    BASELINE,
    TARGET,
    interleaved,
    percentile,
    ratio,
    rounds_for,
    summarize,
)


def test_percentiles_are_nearest_rank():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.95) == 5.0
    assert percentile(values, 0.0) == 1.0
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([1.0, 2.0], 0.5) == 1.0
    assert math.isnan(percentile([], 0.5))


def test_a_summary_gives_the_rate_and_latencies_and_a_ratio_its_share_of_the_baseline():
    summary = summarize([10.0, 30.0, 20.0, 40.0], seconds=2.0)
    assert (summary.count, summary.rate, summary.p50, summary.p95, summary.max) == (
        4,
        2.0,
        20.0,
        40.0,
        40.0,
    )
    assert ratio(summary.rate, 8.0) == 0.25
    assert math.isnan(ratio(summary.rate, 0.0))
    assert summarize([], 0.0).rate == 0.0


def test_target_and_baseline_alternate_and_the_baseline_leads_every_other_round():
    assert interleaved(1) == [TARGET, BASELINE]
    assert interleaved(3) == [TARGET, BASELINE, BASELINE, TARGET, TARGET, BASELINE]
    assert interleaved(4).count(TARGET) == interleaved(4).count(BASELINE) == 4


def test_the_seconds_are_split_into_slices_of_about_the_slice_length():
    assert rounds_for(10, 2) == 5
    assert rounds_for(11, 2) == 6  # 1.83 s each
    assert rounds_for(0.5, 2) == 1
    assert rounds_for(3, 0) == 1


class StandIn(BaseHTTPRequestHandler):
    """Django's login as seen from outside: the login page sets the CSRF cookie, a good
    post sets the session cookie and a fresh CSRF cookie; pages need the session, writes the
    CSRF header."""

    def do_GET(self):
        cookies = self._cookies()
        if self.path == "/login/":
            return self._answer(200, {"csrftoken": "first"})
        if self.path.startswith("/ok/") and cookies.get("sessionid") == "s1":
            return self._answer(200)
        return self._answer(404 if self.path == "/missing/" else 403)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        cookies = self._cookies()
        if self.path == "/login/":
            form = parse_qs(body)
            if form.get("csrfmiddlewaretoken") == ["first"] and form.get("password") == ["pw"]:
                return self._answer(302, {"sessionid": "s1", "csrftoken": "second"})
            return self._answer(200)
        fresh = self.headers.get("X-CSRFToken") == "second" and cookies.get("sessionid") == "s1"
        return self._answer(201 if fresh and body else 403)

    def _cookies(self) -> dict[str, str]:
        jar = SimpleCookie(self.headers.get("Cookie", ""))
        return {name: morsel.value for name, morsel in jar.items()}

    def _answer(self, status: int, cookies: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (cookies or {}).items():
            self.send_header("Set-Cookie", f"{name}={value}; Path=/; HttpOnly")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_session_logs_in_by_the_form_and_sends_the_fresh_csrf_token_with_writes(stand_in):
    session = Session(stand_in)
    session.login("clerk", "pw")
    assert session.cookies == {"csrftoken": "second", "sessionid": "s1"}
    assert session.timed("GET", "/ok/") >= 0
    assert session.timed("POST", "/write/", b"{}") >= 0
    with pytest.raises(HttpError, match=r"GET /missing/: HTTP 404"):
        session.timed("GET", "/missing/")
    with pytest.raises(HttpError, match=r"POST /login/ as clerk: HTTP 200"):
        Session(stand_in).login("clerk", "wrong")


class Numbered:
    """A body maker with state kept in the generator's process."""

    def __init__(self):
        self.sent = 0

    def __call__(self) -> bytes:
        self.sent += 1
        return str(self.sent).encode()


def test_the_load_generator_counts_its_requests_uses_each_fill_once_and_stops_on_an_error(
    stand_in,
):
    with LoadGenerator(stand_in, "clerk", "pw", concurrency=3) as load:
        load.define(Target("write", "/write/", "POST", Numbered()))
        load.define(Target("each", "/ok/{}/", fills=["a", "b", "c", "d", "e"]))
        load.define(Target("gone", "/missing/"))
        written = load.run("write", count=7)
        assert len(written.latencies_ms) == 7 and written.seconds > 0
        assert len(load.run("write", seconds=0.2).latencies_ms) > 0
        each = load.run("each", seconds=30)
        assert (len(each.latencies_ms), each.exhausted) == (5, True)
        with pytest.raises(LoadError, match=r"gone: GET /missing/: HTTP 404"):
            load.run("gone", seconds=5)


def test_think_time_users_go_round_the_urls_and_report_per_url_and_overall(stand_in):
    results = think_time_run(
        stand_in,
        [("clerk", "pw")],
        ["/ok/1/", "/ok/2/"],
        users=4,
        seconds=0.6,
        think=(0.01, 0.05),
        seed=1,
    )
    assert set(results.per_url) == {"/ok/1/", "/ok/2/"}
    assert results.overall.count == sum(s.count for s in results.per_url.values()) > 8
    assert all(s.p50 <= s.p95 <= s.max for s in results.per_url.values())
    names = [name for name, _ in results.figures()]
    assert names == ["/ok/1/", "/ok/2/", "all requests"]
    with pytest.raises(LoadError, match="HTTP 404"):
        think_time_run(
            stand_in, [("clerk", "pw")], ["/missing/"], users=2, seconds=1, think=(0.01, 0.02)
        )
