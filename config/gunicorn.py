"""gunicorn settings for the production image (`gunicorn -c config/gunicorn.py config.wsgi`)."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
timeout = 60
accesslog = "-"
# Path without the query string: query strings can carry ID numbers and phones
# (e.g. the API's repeat check), which must never reach a log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'


def hide_server_header() -> None:
    """gunicorn writes `Server: gunicorn` on every response and has no setting for it: drop
    that line from the headers it writes itself (a banner tells an attacker what to try).
    Idempotent; run in each worker by `post_worker_init`."""
    from gunicorn.http import wsgi

    written = wsgi.Response.default_headers
    if getattr(written, "hides_server", False):
        return

    def default_headers(self):
        return [line for line in written(self) if not line.lower().startswith("server:")]

    default_headers.hides_server = True
    wsgi.Response.default_headers = default_headers


def post_worker_init(worker) -> None:
    hide_server_header()
