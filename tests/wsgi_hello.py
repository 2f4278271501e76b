"""A tiny WSGI app for tests that start a real server (tests/test_gunicorn_server_header.py)."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
