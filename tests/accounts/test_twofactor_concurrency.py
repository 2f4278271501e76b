"""Two logins give the same backup code at the same moment: the device row lock lets exactly one
use it (a one-time code must not open two sessions). Needs real concurrent transactions, hence
PostgreSQL."""

import threading
import time

import pytest
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import User
from accounts.twofactor.services import otp_verify
from tests.accounts.test_twofactor import with_device
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_code_given_twice_at_once_works_once(postgres_only, org, monkeypatch):
    user = UserFactory(username="h1", org_unit=org.d1_office, roles=["handler"])
    with_device(user, backup_codes=["abcd2345"])
    # Hold the first inside its transaction, after it has locked the device, so that the
    # second surely asks while the lock is held.
    real_verify = StaticDevice.verify_token

    def slow_verify(self, token):
        time.sleep(0.3)
        return real_verify(self, token)

    monkeypatch.setattr(StaticDevice, "verify_token", slow_verify)
    barrier = threading.Barrier(2, timeout=30)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def verify():
        try:
            me = User.objects.get(pk=user.pk)
            barrier.wait()
            device = otp_verify(user=me, code="abcd2345")
            with lock:
                results.append(device is not None)
        except BaseException as exc:  # reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=verify) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads), "a verification hung"
    assert errors == []
    assert sorted(results) == [False, True]
    assert not StaticToken.objects.exists()
