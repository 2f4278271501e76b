"""gunicorn settings for the production image (`gunicorn -c config/gunicorn.py config.wsgi`)."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
timeout = 60
accesslog = "-"
# Path without the query string: query strings can carry ID numbers and phones
# (e.g. the API's repeat check), which must never reach a log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
