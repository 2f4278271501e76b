"""The demo tests of a module share one run of `seed_demo`: it takes seconds, and each test only
reads what it made (or runs it again and checks that nothing changes)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tests.conftest import ensure_reference_data

SMALL = 60  # petitions per run; the default (500) is checked on the parser


def seed(count: int = SMALL) -> str:
    out = StringIO()
    call_command("seed_demo", "--petitions", str(count), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """seed_demo once for the module's tests, in a transaction rolled back after the last of
    them: each test's own transaction is a savepoint inside it, so what a test changes is
    undone and the next one finds the demo as seeded. (The passwords hashed as the tests hash
    them, `tests/conftest.py`.)"""
    md5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=md5),
        transaction.atomic(),
    ):
        ensure_reference_data()
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db):
    """The output of the first seed_demo run; the demo data is in the database."""
    return _seeded_once
