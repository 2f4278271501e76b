"""The benches over HTTP: gunicorn on a bench database (`server.serve`), a client of the
standard library that logs in as a browser does (`client.Session`), the closed-loop and
think-time load generators (`load`), and their arithmetic (`stats`).

    with serve(connection.settings_dict["NAME"], workers=2) as base_url:
        results = think_time_run(base_url, [("bench-clerk", PASSWORD)], ["/cases/"], seconds=60)
        write_figures(out, results.figures())
"""

from bench.http.client import HttpError, Session
from bench.http.load import LoadError, LoadGenerator, Target, ThinkTimeResults, think_time_run
from bench.http.server import serve

__all__ = [
    "HttpError",
    "LoadError",
    "LoadGenerator",
    "Session",
    "Target",
    "ThinkTimeResults",
    "serve",
    "think_time_run",
]
