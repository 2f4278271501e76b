"""What an intake costs (issue 16 §2): a bounded number of queries whatever the number of
petitioners, both "earlier petition" checks in one query, and the API's answer built from the
objects just written, the same as the detail read back afterwards."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, CaseStatus
from petitions.models import Petitioner, PetitionerRole, PetitionPetitioner
from petitions.selectors import PersonKey, earlier_history, id_number_hash
from petitions.services import intake
from tests.factories import (
    category,
    make_id_number,
    make_phone,
    pdf_bytes,
    petitioner,
    register_petition,
)

PETITIONS_URL = "/api/v1/petitions/"
# Measured: the API's request (authentication aside) and the form's, with one new petitioner
# or thirty, new or known (issue 16 §2: 25 and more before, four more per petitioner); one
# of them stores the units the new case reaches (`cases.services.reach`).
API_QUERIES = 19
FORM_QUERIES = 25


def person(role: str = PetitionerRole.PRINCIPAL, **overrides) -> dict:
    return {
        "name": "张三",
        "id_number": make_id_number(),
        "phone": make_phone(),
        "address": "江城市东湖区东湖街道1号",
        "role": role,
        **overrides,
    }


def payload(people: list[dict], **overrides) -> dict:
    return {
        "channel": "visit",
        "received_at": (timezone.now() - timezone.timedelta(hours=1)).isoformat(),
        "location_unit": "D1S1",
        "category": "0301",
        "person_count": len(people),
        "summary": "反映拖欠工资问题",
        "content": "信访人反映某公司拖欠其工资三个月，要求督促支付。",
        "petitioners": people,
        **overrides,
    }


def group(count: int) -> list[dict]:
    return [person()] + [person(PetitionerRole.MEMBER) for _ in range(count - 1)]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client: APIClient, body: dict, **kwargs) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(PETITIONS_URL, body, **kwargs)
    assert response.status_code == 201, response.content
    return response.json(), [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def warm(reception1):
    """One intake first: per-process caches (content types) are warm, as in service."""
    post(api(reception1), payload([person()]), format="json")


def test_api_intake_queries_are_bounded_and_do_not_grow_with_petitioners(reception1, warm):
    client = api(reception1)
    _, one = post(client, payload([person()]), format="json")
    thirty = group(30)
    _, new_thirty = post(client, payload(thirty), format="json")
    # The same thirty again, each with a new phone: found, and updated, all at once.
    again = [{**p, "phone": make_phone()} for p in thirty]
    _, known_thirty = post(client, payload(again), format="json")
    assert len(one) <= API_QUERIES, "\n".join(q[:100] for q in one)
    assert len(new_thirty) == len(one)
    assert len(known_thirty) <= len(one) + 1  # the update of the known rows
    # The request's own transaction (a savepoint in the test's), none for the registration
    # in it nor for a petitioner's insert.
    for queries in (one, new_thirty, known_thirty):
        assert sum(q.startswith("SAVEPOINT") for q in queries) == 1
    rows = Petitioner.objects.filter(
        id_number_hash__in=[id_number_hash(p["id_number"]) for p in thirty]
    )
    assert sorted(row.phone for row in rows) == sorted(p["phone"] for p in again)
    assert PetitionPetitioner.objects.filter(petitioner__in=rows).count() == 60


def _reads_after_writing(queries: list[str]) -> list[str]:
    """The reads after the petition's last rows (its parties) are written."""
    written = 'INSERT INTO "petitions_petitionpetitioner"'
    start = next(i for i, q in enumerate(queries) if q.startswith(written))
    return [q for q in queries[start:] if q.startswith("SELECT")]


def _without_query_code(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "query_code"}


def test_the_answer_is_built_from_the_rows_written_and_equals_the_detail(reception1, warm):
    client = api(reception1)
    body = payload(group(3))
    body["petitioners"] = json.dumps(body["petitioners"], ensure_ascii=False)
    body["attachments"] = [
        SimpleUploadedFile("申请书.pdf", pdf_bytes(), content_type="application/pdf"),
        SimpleUploadedFile("证据.pdf", pdf_bytes(10), content_type="application/pdf"),
    ]
    created, queries = post(client, body, format="multipart")
    assert _reads_after_writing(queries) == []
    detail = client.get(f"{PETITIONS_URL}{created['number']}/").json()
    # The contract: the detail's keys and the one-time query code, with the detail's values.
    assert list(created) == [*detail, "query_code"]
    assert _without_query_code(created) == detail
    assert [list(p) for p in created["petitioners"]] == [["name", "role", "id_number", "phone"]] * 3
    assert [a["original_name"] for a in created["attachments"]] == ["申请书.pdf", "证据.pdf"]
    assert created["acceptance_due"] and created["is_first_time"] is True


def test_a_repeat_petition_on_a_case_answers_as_its_detail(reception1, warm):
    client = api(reception1)
    principal = person()
    first, _ = post(client, payload([principal]), format="json")
    again, queries = post(client, payload([principal], case=first["case"]), format="json")
    # Only the case's acceptance due date is read (a case opened with it carries it).
    assert [q for q in _reads_after_writing(queries)] == [
        q for q in queries if q.startswith('SELECT "cases_deadline"."due_on"')
    ]
    detail = client.get(f"{PETITIONS_URL}{again['number']}/").json()
    assert _without_query_code(again) == detail
    assert again["is_repeat"] is True and again["acceptance_due"] == first["acceptance_due"]


def test_the_intake_form_registers_in_bounded_queries(client, reception1, warm):
    client.force_login(reception1)
    client.get(reverse("petitions:intake"))  # the session is written once
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    counts = []
    for count in (1, 12):
        body = {
            "channel": "visit",
            "received_at": now,
            "receiving_unit": reception1.org_unit_id,
            "location_unit": reception1.org_unit_id,
            "category": category().pk,
            "matter_kind": "complaint",
            "person_count": count,
            "summary": "反映拖欠工资问题",
            "petitioners-TOTAL_FORMS": str(count),
            "petitioners-INITIAL_FORMS": "0",
        }
        for index, someone in enumerate(group(count)):
            for key in ("name", "id_number", "phone", "role"):
                body[f"petitioners-{index}-{key}"] = someone[key]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("petitions:intake"), body)
        assert response.status_code == 302, response.content.decode()[-2000:]
        counts.append(len(queries))
    assert counts[0] == counts[1] <= FORM_QUERIES


# --- the two "earlier petition" checks, one query ------------------------------------------


def test_earlier_history_answers_both_checks_in_one_query(handler1, django_assert_num_queries):
    closed, terminated, elsewhere = petitioner(), petitioner(), petitioner()
    cases = {}
    for name, someone, code in [
        ("closed", closed, "0301"),
        ("terminated", terminated, "0301"),
        ("other category", elsewhere, "0104"),
    ]:
        cases[name] = register_petition(handler1, petitioners=[someone], category=code)
    Case.objects.filter(pk=cases["closed"].petition.case_id).update(status=CaseStatus.CLOSED)
    Case.objects.filter(
        pk__in=[cases["terminated"].petition.case_id, cases["other category"].petition.case_id]
    ).update(status=CaseStatus.TERMINATED)
    both = [PersonKey(p.name, p.id_number) for p in (closed, terminated)]
    wages = category("0301")

    with django_assert_num_queries(1):
        history = earlier_history(both, wages)
    # The terminated matter first, then the closed one.
    assert history.has_earlier_petition
    assert history.ended_same_matter.pk == cases["terminated"].petition.case_id
    only_closed = earlier_history([PersonKey(closed.name, closed.id_number)], wages)
    assert only_closed.ended_same_matter.pk == cases["closed"].petition.case_id
    # Petitioned before, in another category: not first-time, no ended same matter.
    other = earlier_history([PersonKey(phone=elsewhere.phone)], wages)
    assert other.has_earlier_petition and other.ended_same_matter is None
    # A name alone is not certain; nobody known: no query at all.
    with django_assert_num_queries(0):
        nobody = earlier_history([PersonKey(name=closed.name)], wages)
    assert not nobody.has_earlier_petition and nobody.ended_same_matter is None
    stranger = earlier_history([PersonKey(id_number=make_id_number())], wages)
    assert not stranger.has_earlier_petition and stranger.ended_same_matter is None


# --- a person registered by another intake meanwhile -----------------------------------------


def test_a_petitioner_registered_meanwhile_is_the_one_row_of_the_number(handler1, monkeypatch):
    someone, nameless = petitioner(), petitioner(PetitionerRole.MEMBER, id_number="")
    insert = intake._insert_unless_registered

    def another_intake_first(rows):
        # Committed by another intake between our read and our insert.
        Petitioner.objects.create(
            name=someone.name,
            id_number=someone.id_number,
            id_number_hash=id_number_hash(someone.id_number),
        )
        return insert(rows)

    monkeypatch.setattr(intake, "_insert_unless_registered", another_intake_first)
    petition = register_petition(handler1, petitioners=[someone, nameless], person_count=2).petition
    rows = Petitioner.objects.filter(id_number_hash=id_number_hash(someone.id_number))
    assert rows.count() == 1
    parties = list(petition.parties.order_by("position"))
    assert parties[0].petitioner_id == rows.get().pk
    assert rows.get().phone == someone.phone  # brought up to date
    assert parties[1].petitioner.name == nameless.name
    assert Petitioner.objects.filter(name=nameless.name).count() == 1
