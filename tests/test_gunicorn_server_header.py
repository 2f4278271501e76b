"""No `Server: gunicorn` banner: gunicorn started with config/gunicorn.py (on a free local
port, a tiny WSGI app) answers without a Server header."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_with_our_config_sends_no_server_header():
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            str(ROOT / "config" / "gunicorn.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "tests.wsgi_hello:application",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = None
        for _attempt in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/")
                response = connection.getresponse()
                break
            except OSError:
                time.sleep(0.1)
        assert response is not None, "gunicorn did not start"
        assert response.status == 200 and response.read() == b"ok"
        assert response.getheader("Server") is None
        assert "gunicorn" not in str(response.headers).lower()
    finally:
        process.terminate()
        process.wait(timeout=10)
