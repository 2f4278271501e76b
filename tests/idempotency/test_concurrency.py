"""A request whose Idempotency-Key is held by a request still being processed gets 409, not a
second registration, and not a wait (PostgreSQL: two real concurrent transactions)."""

import threading
import uuid
from unittest import mock

import pytest
from django.db import connection

from petitions import api as petitions_api
from petitions.models import Petition
from tests.factories import token_client
from tests.petitions.test_api import PETITIONS_URL, payload


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_while_the_first_request_runs_is_409(postgres_only, reception1):
    client = token_client(reception1)
    body, retry_key = payload(), str(uuid.uuid4())
    inside, release = threading.Event(), threading.Event()
    real_register = petitions_api.petition_register
    answers = {}

    def slow_register(**kwargs):
        inside.set()
        assert release.wait(timeout=30)
        return real_register(**kwargs)

    def first_request():
        try:
            answers["first"] = client.post(
                PETITIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY=retry_key
            )
        finally:
            connection.close()

    with mock.patch.object(petitions_api, "petition_register", slow_register):
        thread = threading.Thread(target=first_request)
        thread.start()
        try:
            assert inside.wait(timeout=30), "the first request never reached the service"
            second = client.post(PETITIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY=retry_key)
        finally:
            release.set()
            thread.join(timeout=60)

    assert second.status_code == 409, second.content
    assert answers["first"].status_code == 201, answers["first"].content
    # Once the first is done, the retry gets its answer.
    again = client.post(PETITIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY=retry_key)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == answers["first"].json()
    assert Petition.objects.count() == 1
