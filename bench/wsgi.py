"""The WSGI application of the gunicorn the benches start (`bench.http.serve`): the project's
own (config.settings: the same middleware and views) with the bench's settings laid over it
before Django sets up: the database the bench names in BENCH_DATABASE_NAME (its throwaway or
kept database) and nothing else, persistent connections, DEBUG off, the bench URLconf (the
bare baselines in front of the project's URLs), and MD5 first among the password hashers, so
that the bench users (`bench.orgs.user`) log in quickly. (Laid over through django.conf rather
than a settings module importing config's: bench sits below config.)"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from bench.http.server import DATABASE_NAME_VARIABLE


def bench_settings(database_name: str) -> dict[str, object]:
    """The settings the bench's server runs with, over the project's."""
    return {
        "DATABASES": {
            "default": {
                **settings.DATABASES["default"],
                "NAME": database_name,
                "CONN_MAX_AGE": 600,
                "CONN_HEALTH_CHECKS": True,
            }
        },
        # Only the bench database: a replica of the project's would hold other data.
        "DASHBOARD_DATABASE": "default",
        "DEBUG": False,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "ROOT_URLCONF": "bench.baselines",
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
        "NOTIFY_BY_EMAIL": False,
    }


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
for name, value in bench_settings(os.environ[DATABASE_NAME_VARIABLE]).items():
    setattr(settings, name, value)
application = get_wsgi_application()
