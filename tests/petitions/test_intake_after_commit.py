"""The intake answer is built before the commit (issue 13 §5): when the database connection
drops right after the commit, the client still gets its 201 with the one-time query code, and
a retry with the same Idempotency-Key gets the same answer without a second petition. The
same for the reception's field visits. Real commits, hence transactional tests."""

# ruff: noqa: F811 (the fixtures imported from records_data are used as arguments)

from __future__ import annotations

import contextlib
import uuid
from unittest import mock

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from petitions import api as petitions_api
from petitions.models import Petition
from petitions.services import query_code_hash
from reception.models import FieldVisit
from reception.visits import api as visits_api
from tests.factories import UserFactory, token_client
from tests.petitions.test_api import PETITIONS_URL, payload
from tests.reception.records_data import (  # noqa: F401 (fixtures)
    appointment,
    reception_case,
    reception_now,
    schedule,
)

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def connection_lost_after_commit(module, service_name: str):
    """Every query after the commit of the transaction that runs `module.<service_name>`
    fails as on a dropped connection (OperationalError)."""
    lost = []
    real_service = getattr(module, service_name)

    def service(**kwargs):
        # Registered before the service's own callbacks: runs first after the commit.
        transaction.on_commit(lambda: lost.append(True))
        return real_service(**kwargs)

    def drop(execute, sql, params, many, context):
        if lost:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with mock.patch.object(module, service_name, service), connection.execute_wrapper(drop):
        yield lost


def test_a_connection_lost_after_the_commit_still_answers_201_with_the_query_code(reception1):
    client = token_client(reception1, raise_request_exception=False)
    body = payload()

    with connection_lost_after_commit(petitions_api, "petition_register") as lost:
        response = client.post(PETITIONS_URL, body, format="json")

    assert lost, "the registration did not commit"
    assert response.status_code == 201, response.content
    code = response.json()["query_code"]
    petition = Petition.objects.get()
    assert petition.number == response.json()["number"]
    assert petition.query_code_hash == query_code_hash(code)


def test_a_retry_after_a_lost_connection_gets_the_same_answer_and_no_second_petition(
    reception1,
):
    client = token_client(reception1, raise_request_exception=False)
    body, retry_key = payload(), str(uuid.uuid4())

    with connection_lost_after_commit(petitions_api, "petition_register"):
        first = client.post(PETITIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY=retry_key)
    again = client.post(PETITIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY=retry_key)

    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["query_code"] == first.json()["query_code"]
    assert again.json() == first.json()
    assert Petition.objects.count() == 1


def test_a_field_visit_recorded_before_a_lost_connection_answers_201(handler1, org):
    leader = UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])
    client = token_client(handler1, raise_request_exception=False)
    body = {"leader": leader.username, "date": timezone.localdate().isoformat(), "place": "街道"}

    with connection_lost_after_commit(visits_api, "field_visit_record") as lost:
        response = client.post("/api/v1/reception/field-visits/", body, format="json")

    assert lost
    assert response.status_code == 201, response.content
    assert response.json()["id"] == FieldVisit.objects.get().pk


def test_a_reception_record_before_a_lost_connection_answers_201(appointment, city_leader):
    from reception.models import ReceptionRecord
    from reception.records import api as records_api
    from tests.reception.test_records_api import payload as record_payload

    client = token_client(city_leader, raise_request_exception=False)
    url = f"/api/v1/reception/appointments/{appointment.pk}/record/"

    with connection_lost_after_commit(records_api, "reception_record") as lost:
        response = client.post(url, record_payload(), format="json")

    assert lost
    assert response.status_code == 201, response.content
    assert response.json()["supervision_notice"]["number"]
    assert ReceptionRecord.objects.get().appointment_id == appointment.pk


def test_a_failing_after_commit_step_does_not_turn_a_keyed_success_into_a_500(reception1):
    client = token_client(reception1, raise_request_exception=False)
    body, retry_key = payload(), str(uuid.uuid4())
    real_register = petitions_api.petition_register

    def register_then_fail_after_commit(**kwargs):
        registration = real_register(**kwargs)
        transaction.on_commit(lambda: 1 / 0)  # not robust: it raises out of the commit
        return registration

    with mock.patch.object(petitions_api, "petition_register", register_then_fail_after_commit):
        first = client.post(PETITIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY=retry_key)
    again = client.post(PETITIONS_URL, body, format="json", HTTP_IDEMPOTENCY_KEY=retry_key)

    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert Petition.objects.count() == 1
