"""Two logins give the same backup code at the same moment: the device row lock lets exactly one
use it (a one-time code must not open two sessions). Needs real concurrent transactions, hence
PostgreSQL."""

import threading
import time

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import User
from accounts.twofactor.services import otp_verify
from tests.accounts.test_twofactor import with_device
from tests.factories import UserFactory
from tests.threads import run_in_threads


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

    def verify():
        me = User.objects.get(pk=user.pk)
        barrier.wait()
        results.append(otp_verify(user=me, code="abcd2345") is not None)

    assert run_in_threads(verify, verify) == []
    assert sorted(results) == [False, True]
    assert not StaticToken.objects.exists()
