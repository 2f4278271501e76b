"""Settings of the gunicorn the benches start (`bench.http.serve`): the project's own, with
the database the bench names (BENCH_DATABASE_NAME: its throwaway or kept database), the
bench URLconf (the bare baselines in front of the project's URLs), persistent connections,
DEBUG off, and a fast password hasher first so that the bench users log in quickly."""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES as PROJECT_DATABASES

DATABASES = {
    "default": {
        **PROJECT_DATABASES["default"],
        "NAME": os.environ["BENCH_DATABASE_NAME"],
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }
}
# Only the bench database: a replica of the project's would hold other data.
DASHBOARD_DATABASE = "default"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.baselines"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
NOTIFY_BY_EMAIL = False
