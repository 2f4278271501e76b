"""`Idempotency-Key` on the API's non-safe methods (issue 13 §5): a retry registers nothing
twice and gets the first answer; another request under the same key is 422, a key still in
use 409, a malformed key 400; the stored answer is written in the operation's transaction,
encrypted, and purged after IDEMPOTENCY_TTL_HOURS."""

from __future__ import annotations

import datetime
import json
import uuid
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from idempotency.models import IdempotencyRecord
from idempotency.tasks import purge_idempotency_records
from petitions.models import Petition
from petitions.services import query_code_hash
from reception.models import FieldVisit
from tests.factories import UserFactory, pdf_bytes, token_client
from tests.petitions.test_api import PETITIONS_URL, payload


def key() -> str:
    return str(uuid.uuid4())


def post(client, body, idempotency_key, url=PETITIONS_URL):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=idempotency_key)


# --- a retry --------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_gets_the_first_answer_and_registers_once(reception1):
    client = token_client(reception1)
    body, retry_key = payload(), key()

    first = post(client, body, retry_key)
    again = post(client, body, retry_key)

    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["Content-Type"] == first["Content-Type"]
    # The one-time query code comes back the same, and it is the petition's.
    code = again.json()["query_code"]
    petition = Petition.objects.get()
    assert petition.query_code_hash == query_code_hash(code)


def test_without_a_key_two_posts_register_two_petitions(reception1):
    client = token_client(reception1)
    body = payload()
    assert client.post(PETITIONS_URL, body, format="json").status_code == 201
    assert client.post(PETITIONS_URL, body, format="json").status_code == 201
    assert Petition.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_the_key_may_come_as_a_structured_field_string(reception1):
    client = token_client(reception1)
    body, retry_key = payload(), key()
    first = post(client, body, f'"{retry_key}"')
    again = post(client, body, retry_key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Petition.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_registers_nothing(reception1):
    client = token_client(reception1)
    retry_key = key()
    assert post(client, payload(), retry_key).status_code == 201

    other = post(client, payload(summary="另一件事"), retry_key)

    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    assert Petition.objects.count() == 1


def test_the_same_key_on_another_operation_is_422(reception1, handler1):
    client = token_client(reception1)
    retry_key = key()
    assert post(client, payload(), retry_key).status_code == 201
    other = post(client, {"leader": "handler1"}, retry_key, url="/api/v1/reception/field-visits/")
    assert other.status_code == 422


def test_a_key_is_the_users_own(reception1, org):
    colleague = UserFactory(
        username="reception-b", org_unit=reception1.org_unit, roles=["reception"]
    )
    shared_key, body = key(), payload()
    assert post(token_client(reception1), body, shared_key).status_code == 201
    theirs = post(token_client(colleague), body, shared_key)
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert Petition.objects.count() == 2


@pytest.mark.parametrize(
    "bad_key",
    ["", '""', "x" * 256, "two words", 'say"what', "back\\slash", "密钥"],
    ids=["empty", "empty-string", "too-long", "space", "quote", "backslash", "non-ascii"],
)
def test_a_malformed_or_too_long_key_is_400_and_registers_nothing(reception1, bad_key):
    response = post(token_client(reception1), payload(), bad_key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Petition.objects.exists()


def test_a_key_of_the_longest_length_is_taken(reception1):
    client = token_client(reception1)
    body, longest = payload(), "k" * 255
    assert post(client, body, longest).status_code == 201
    assert post(client, body, longest)["Idempotent-Replayed"] == "true"


def test_a_failed_request_is_not_stored_and_the_key_can_be_used_again(reception1):
    client = token_client(reception1)
    retry_key = key()
    refused = post(client, payload(petitioners=[]), retry_key)
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()

    assert post(client, payload(), retry_key).status_code == 201
    assert Petition.objects.count() == 1


def test_the_key_is_forgotten_after_the_ttl(reception1, settings):
    settings.IDEMPOTENCY_TTL_HOURS = 24
    client = token_client(reception1)
    body, retry_key = payload(), key()
    assert post(client, body, retry_key).status_code == 201
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=23), tick=False):
        assert post(client, body, retry_key)["Idempotent-Replayed"] == "true"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25), tick=False):
        later = post(client, payload(received_at=timezone.now().isoformat()), retry_key)
    assert later.status_code == 201, later.content
    assert "Idempotent-Replayed" not in later
    assert Petition.objects.count() == 2


def test_a_request_still_in_progress_under_the_key_is_409(reception1):
    """The in-flight rule as the middleware applies it (on PostgreSQL the claim is an advisory
    lock, tested with two connections in test_concurrency.py)."""
    client = token_client(reception1)
    with mock.patch("idempotency.services.claim", return_value=False):
        response = post(client, payload(), key())
    assert response.status_code == 409
    assert not Petition.objects.exists()


def test_safe_methods_and_anonymous_requests_ignore_the_key(reception1):
    client = token_client(reception1)
    assert client.get(PETITIONS_URL, HTTP_IDEMPOTENCY_KEY="x y").status_code == 200
    anonymous = post(token_client(reception1).__class__(), payload(), key())
    assert anonymous.status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_every_non_safe_api_operation_is_covered_not_only_intake(handler1, org):
    """One mechanism for all of /api/: a field visit recorded twice is recorded once."""
    leader = UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])
    client = token_client(handler1)
    body = {"leader": leader.username, "date": timezone.localdate().isoformat(), "place": "街道"}
    retry_key = key()
    first = post(client, body, retry_key, url="/api/v1/reception/field-visits/")
    again = post(client, body, retry_key, url="/api/v1/reception/field-visits/")
    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert FieldVisit.objects.count() == 1


# --- the record -----------------------------------------------------------------------------


def test_the_stored_answer_is_encrypted_at_rest(reception1):
    response = post(token_client(reception1), payload(), key())
    code = response.json()["query_code"]
    record = IdempotencyRecord.objects.get()
    assert record.user == reception1
    assert record.status_code == 201
    assert json.loads(record.response_body)["query_code"] == code
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT response_body FROM {IdempotencyRecord._meta.db_table}")
        (raw,) = cursor.fetchone()
    assert code not in raw and "reception" not in raw


def test_the_record_is_written_in_the_operations_transaction(reception1):
    """The record cannot be written: the petition is rolled back with it (500, nothing kept),
    so no committed petition is ever without its stored answer."""
    client = token_client(reception1, raise_request_exception=False)
    with mock.patch("idempotency.services.record_store", side_effect=DatabaseError("disk full")):
        response = post(client, payload(), key())
    assert response.status_code == 500
    assert not Petition.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_a_server_error_rolls_the_request_back(reception1):
    client = token_client(reception1, raise_request_exception=False)
    with mock.patch(
        "petitions.api.PetitionCreatedSerializer.to_representation",
        side_effect=RuntimeError("bug"),
    ):
        response = post(client, payload(), key())
    assert response.status_code == 500
    assert not Petition.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_the_purge_deletes_only_expired_records(reception1, settings):
    settings.IDEMPOTENCY_TTL_HOURS = 24
    client = token_client(reception1)
    post(client, payload(), key())
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=30), tick=False):
        post(client, payload(received_at=timezone.now().isoformat()), key())
    assert IdempotencyRecord.objects.count() == 2

    assert purge_idempotency_records() == 1
    assert IdempotencyRecord.objects.count() == 1
    call_command("purge_idempotency_records")  # again: nothing more
    assert IdempotencyRecord.objects.count() == 1


def test_the_purge_runs_on_beat(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "idempotency.tasks.purge_idempotency_records" in entries


def test_a_multipart_upload_is_replayed_from_its_bytes(reception1):
    from petitions.models import Attachment
    from tests.petitions.test_api import multipart, upload

    client = token_client(reception1)
    retry_key = key()
    fields = multipart(payload())

    def send(content: bytes):
        body = {**fields, "attachments": [upload("材料.pdf", content, "application/pdf")]}
        return client.post(PETITIONS_URL, body, format="multipart", HTTP_IDEMPOTENCY_KEY=retry_key)

    first = send(pdf_bytes())
    again = send(pdf_bytes())
    other = send(pdf_bytes(padding=10))

    assert first.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert other.status_code == 422
    assert Petition.objects.count() == 1 and Attachment.objects.count() == 1
