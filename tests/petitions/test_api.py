"""API contract of petition intake (DRF): tokens, create, bad input, scope, masking,
accusations, repeat check, org units, categories, cases, query counts, schema and docs."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, MatterKind
from core.identity import mask_id_number, mask_phone
from core.workcalendar import due_date
from petitions.models import (
    Petition,
    PetitionerRole,
)
from petitions.services import QUERY_CODE_ALPHABET, query_code_hash
from tests.factories import (
    PASSWORD,
    make_id_number,
    make_phone,
    pdf_bytes,
    petitioner,
    png_bytes,
    register_petition,
    set_owner,
    written_snapshot,
)

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

PETITIONS_URL = "/api/v1/petitions/"
REPEAT_URL = "/api/v1/petitions/repeat-check/"


# --- helpers ------------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def an_hour_ago() -> str:
    return iso(timezone.now() - datetime.timedelta(hours=1))


def person(role: str = PetitionerRole.PRINCIPAL, **overrides) -> dict:
    data = {
        "name": "张三",
        "id_number": make_id_number(),
        "phone": make_phone(),
        "address": "江城市东湖区东湖街道1号",
        "role": role,
    }
    data.update(overrides)
    return data


def payload(**overrides) -> dict:
    """A valid create request: a complaint visit about a street in district 1."""
    data = {
        "channel": "visit",
        "received_at": an_hour_ago(),
        "location_unit": "D1S1",
        "category": "0301",
        "matter_kind": "complaint",
        "person_count": 1,
        "summary": "反映拖欠工资问题",
        "content": "信访人反映某公司拖欠其工资三个月，要求督促支付。",
        "petitioners": [person()],
    }
    data.update(overrides)
    return data


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def multipart(data: dict) -> dict:
    """A multipart form body: petitioners as one JSON string, the rest as form fields."""
    body = dict(data)
    body["petitioners"] = json.dumps(body["petitioners"], ensure_ascii=False)
    return body


def item(errors, index: int):
    """The errors of one list item: DRF gives a dict keyed by index (or a list)."""
    if isinstance(errors, dict):
        return errors.get(str(index), errors.get(index))
    return errors[index]


def numbers(response) -> set[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["number"] for row in rows}


# --- authentication -----------------------------------------------------------------------


def test_token_is_issued_for_username_and_password_and_authenticates(reception1):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "reception1", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token

    assert client.get(PETITIONS_URL).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(PETITIONS_URL).status_code == 200
    created = client.post(PETITIONS_URL, payload(), format="json")
    assert created.status_code == 201, created.content


def test_token_with_wrong_password_is_refused_with_400(reception1):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "reception1", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_bad_token_is_refused(reception1):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(PETITIONS_URL).status_code == 401


# --- create: happy paths ------------------------------------------------------------------


def test_create_returns_number_case_due_date_flags_and_one_time_query_code(reception1, frozen_now):
    principal = person(id_number="11010519491231002X", phone="13812345678")
    body = payload(received_at="2026-09-12T10:00:00+08:00", petitioners=[principal])

    response = api(reception1).post(PETITIONS_URL, body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == "CTXFJ-2026-000001"
    assert data["case"] == "CTXFJ-2026-000001"
    assert data["acceptance_due"] == "2026-09-28"
    assert data["receiving_unit"] == "CTXFJ"
    assert data["location_unit"] == "D1S1"
    assert data["authority_unit"] == "D1"
    assert data["category"] == "0301"
    assert data["is_group"] is False
    assert data["is_repeat"] is False
    assert data["is_skip_level"] is False
    assert data["is_first_time"] is True
    code = data["query_code"]
    assert len(code) == 8 and set(code) <= set(QUERY_CODE_ALPHABET)
    # The creator's unit owns the case, so the answer carries the full identity.
    assert data["petitioners"] == [
        {
            "name": "张三",
            "role": "principal",
            "id_number": "11010519491231002X",
            "phone": "13812345678",
        }
    ]

    petition = Petition.objects.get(number="CTXFJ-2026-000001")
    assert petition.query_code_hash != code
    assert code not in petition.query_code_hash
    assert petition.query_code_hash == query_code_hash(code)
    case = Case.objects.get(number="CTXFJ-2026-000001")
    assert case.status == "registered"
    assert case.owner_unit.code == "CTXFJ"
    assert case.deadlines.get().due_on == datetime.date(2026, 9, 28)
    assert case.events.count() == 1

    # The query code is not part of any later answer.
    detail = api(reception1).get(f"{PETITIONS_URL}CTXFJ-2026-000001/").json()
    assert "query_code" not in detail
    assert code not in json.dumps(detail)


def test_acceptance_due_of_a_recent_receipt_follows_the_work_calendar(reception1):
    received = timezone.localtime() - datetime.timedelta(days=3)
    response = api(reception1).post(
        PETITIONS_URL, payload(received_at=iso(received)), format="json"
    )
    assert response.status_code == 201, response.content
    expected = due_date(received.date(), 15)
    assert response.json()["acceptance_due"] == expected.isoformat()
    assert expected >= received.date() + datetime.timedelta(days=15)


def test_numbers_are_consecutive_per_receiving_unit(reception1, handler1):
    first = api(reception1).post(PETITIONS_URL, payload(), format="json").json()
    second = api(reception1).post(PETITIONS_URL, payload(), format="json").json()
    other = api(handler1).post(PETITIONS_URL, payload(), format="json").json()
    year = timezone.localdate().year
    assert first["number"] == f"CTXFJ-{year}-000001"
    assert second["number"] == f"CTXFJ-{year}-000002"
    assert other["number"] == f"D1XFJ-{year}-000001"


def test_group_visit_and_skip_level_flags_come_back(province_reception):
    people = [person()] + [person(PetitionerRole.MEMBER) for _ in range(4)]
    response = api(province_reception).post(
        PETITIONS_URL, payload(petitioners=people, person_count=5), format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("PRXFJ-")
    assert data["is_group"] is True
    # Received at the province about a district-1 matter: two levels above the district.
    assert data["is_skip_level"] is True
    assert len(data["petitioners"]) == 5


def test_multipart_create_with_json_petitioners_and_real_attachments(reception1, settings):
    body = multipart(payload())
    body["attachments"] = [
        upload("申请书.pdf", pdf_bytes(), "application/pdf"),
        upload("现场照片.png", png_bytes(), "image/png"),
    ]
    response = api(reception1).post(PETITIONS_URL, body, format="multipart")

    assert response.status_code == 201, response.content
    data = response.json()
    attachments = sorted(data["attachments"], key=lambda a: a["original_name"])
    assert [(a["original_name"], a["content_type"]) for a in attachments] == [
        ("现场照片.png", "image/png"),
        ("申请书.pdf", "application/pdf"),
    ]
    assert all(a["size"] > 0 for a in attachments)
    assert len(data["petitioners"]) == 1
    assert len(written_snapshot(settings.MEDIA_ROOT)["media files"]) == 2


def test_attachment_type_is_read_from_content_not_from_name(reception1):
    body = multipart(payload())
    body["attachments"] = [upload("scan.bin", png_bytes())]
    response = api(reception1).post(PETITIONS_URL, body, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["content_type"] == "image/png"


# --- create: bad input is a 400 with field errors and writes nothing ------------------------


REQUIRED_FIELDS = [
    "channel",
    "received_at",
    "location_unit",
    "category",
    "person_count",
    "summary",
    "petitioners",
]


def post_refused(client, settings, body, *, format="json"):
    """POST a bad create request; assert a 400 that wrote nothing; return the errors."""
    before = written_snapshot(settings.MEDIA_ROOT)
    response = client.post(PETITIONS_URL, body, format=format)
    assert response.status_code == 400, (response.status_code, response.content[:2000])
    assert written_snapshot(settings.MEDIA_ROOT) == before
    return response.json()


def test_missing_fields_are_each_named(reception1, settings):
    errors = post_refused(api(reception1), settings, {})
    for field in REQUIRED_FIELDS:
        assert field in errors, field


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_each_required_field_missing_alone_is_named(reception1, settings, field):
    body = payload()
    del body[field]
    errors = post_refused(api(reception1), settings, body)
    assert field in errors


@pytest.mark.parametrize("field", ["location_unit", "category", "receiving_unit"])
def test_unknown_codes_are_refused_on_their_field(reception1, settings, field):
    errors = post_refused(api(reception1), settings, payload(**{field: "NOSUCH99"}))
    assert list(errors) == [field]


@pytest.mark.parametrize(
    "bad_id",
    [
        "110105194912310021",  # wrong check character (should be X)
        "11010519491331002X",  # month 13
        "11010519491231002",  # 17 characters
        "1101051949123100XX",  # X in the wrong place
    ],
)
def test_bad_id_number_is_refused_under_petitioners_index_id_number(reception1, settings, bad_id):
    errors = post_refused(
        api(reception1), settings, payload(petitioners=[person(id_number=bad_id)])
    )
    assert list(errors) == ["petitioners"]
    assert "id_number" in item(errors["petitioners"], 0)


def test_bad_id_number_of_the_second_petitioner_is_refused_at_index_1(reception1, settings):
    people = [person(), person(PetitionerRole.MEMBER, id_number="110105194912310021")]
    errors = post_refused(api(reception1), settings, payload(petitioners=people, person_count=2))
    assert "id_number" in item(errors["petitioners"], 1)


@pytest.mark.parametrize("bad_phone", ["12345", "2381234567", "010-1234", "phone"])
def test_bad_phone_is_refused_under_petitioners_index_phone(reception1, settings, bad_phone):
    errors = post_refused(api(reception1), settings, payload(petitioners=[person(phone=bad_phone)]))
    assert "phone" in item(errors["petitioners"], 0)


def test_oversize_attachment_is_refused(reception1, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    body = multipart(payload())
    body["attachments"] = [upload("big.pdf", pdf_bytes(padding=2000), "application/pdf")]
    errors = post_refused(api(reception1), settings, body, format="multipart")
    assert list(errors) == ["attachments"]


def test_fake_pdf_is_refused_on_attachments(reception1, settings):
    body = multipart(payload())
    body["attachments"] = [
        upload("good.pdf", pdf_bytes(), "application/pdf"),
        upload("x.pdf", "这不是PDF文件，只是文本。".encode() * 10, "application/pdf"),
    ]
    errors = post_refused(api(reception1), settings, body, format="multipart")
    assert list(errors) == ["attachments"]
    assert "x.pdf" in " ".join(errors["attachments"])


def test_empty_attachment_is_refused(reception1, settings):
    body = multipart(payload())
    body["attachments"] = [upload("empty.pdf", b"", "application/pdf")]
    errors = post_refused(api(reception1), settings, body, format="multipart")
    assert "attachments" in errors


def test_a_string_where_a_file_belongs_is_refused(reception1, settings):
    errors = post_refused(api(reception1), settings, payload(attachments=["not a file"]))
    assert "attachments" in errors


HUNDRED_KB = "信" * 35_000  # ~105 kB in UTF-8


@pytest.mark.parametrize("field", ["summary", "content", "demands", "accused_person"])
def test_100_kb_text_is_refused_on_its_field(reception1, settings, field):
    errors = post_refused(api(reception1), settings, payload(**{field: HUNDRED_KB}))
    assert list(errors) == [field]


@pytest.mark.parametrize("field", ["name", "address"])
def test_100_kb_text_in_a_petitioner_is_refused(reception1, settings, field):
    errors = post_refused(
        api(reception1), settings, payload(petitioners=[person(**{field: HUNDRED_KB})])
    )
    assert field in item(errors["petitioners"], 0)


def test_nul_character_in_text_is_refused(reception1, settings):
    errors = post_refused(api(reception1), settings, payload(summary="反映\x00问题"))
    assert "summary" in errors


def test_lone_surrogate_in_text_is_refused_not_a_500(reception1, settings):
    # Valid JSON ("\\ud800" is a legal escape) that no database can store as UTF-8.
    raw = json.dumps(payload(summary="SURROGATE")).replace("SURROGATE", "\\ud800")
    before = written_snapshot(settings.MEDIA_ROOT)
    response = api(reception1).post(PETITIONS_URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content[:500]
    assert written_snapshot(settings.MEDIA_ROOT) == before


def test_future_received_at_is_refused(reception1, settings):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    errors = post_refused(api(reception1), settings, payload(received_at=iso(tomorrow)))
    assert list(errors) == ["received_at"]


def test_received_at_more_than_a_year_ago_is_refused(reception1, settings):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    errors = post_refused(api(reception1), settings, payload(received_at=iso(long_ago)))
    assert list(errors) == ["received_at"]


@pytest.mark.parametrize(
    "value", ["not a date", "2026-13-45T10:00", "0001-01-01T00:00:00+08:00", ""]
)
def test_unreadable_received_at_is_refused(reception1, settings, value):
    errors = post_refused(api(reception1), settings, payload(received_at=value))
    assert "received_at" in errors


def test_more_than_five_representatives_are_refused(reception1, settings):
    people = [person()] + [person(PetitionerRole.REPRESENTATIVE) for _ in range(6)]
    errors = post_refused(api(reception1), settings, payload(petitioners=people, person_count=30))
    assert list(errors) == ["petitioners"]


def test_a_principal_and_four_representatives_are_accepted_for_a_group(reception1):
    # In a group the principal speaks for it too and counts as one of the five.
    people = [person()] + [person(PetitionerRole.REPRESENTATIVE) for _ in range(4)]
    response = api(reception1).post(
        PETITIONS_URL, payload(petitioners=people, person_count=30), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_group"] is True


def test_a_principal_and_five_representatives_are_refused_for_a_group(reception1, settings):
    people = [person()] + [person(PetitionerRole.REPRESENTATIVE) for _ in range(5)]
    errors = post_refused(api(reception1), settings, payload(petitioners=people, person_count=30))
    assert list(errors) == ["petitioners"]


def test_person_count_below_the_number_of_petitioners_is_refused(reception1, settings):
    people = [person(), person(PetitionerRole.MEMBER)]
    errors = post_refused(api(reception1), settings, payload(petitioners=people, person_count=1))
    assert list(errors) == ["person_count"]


@pytest.mark.parametrize("value", [0, -3, "many", 10**9])
def test_person_count_out_of_range_is_refused(reception1, settings, value):
    errors = post_refused(api(reception1), settings, payload(person_count=value))
    assert "person_count" in errors


def test_no_principal_or_two_principals_are_refused(reception1, settings):
    members = [person(PetitionerRole.MEMBER), person(PetitionerRole.MEMBER)]
    errors = post_refused(api(reception1), settings, payload(petitioners=members, person_count=2))
    assert "petitioners" in errors
    principals = [person(), person()]
    errors = post_refused(
        api(reception1), settings, payload(petitioners=principals, person_count=2)
    )
    assert "petitioners" in errors


def test_the_same_id_number_twice_is_refused(reception1, settings):
    number = make_id_number()
    people = [person(id_number=number), person(PetitionerRole.MEMBER, id_number=number)]
    errors = post_refused(api(reception1), settings, payload(petitioners=people, person_count=2))
    assert "petitioners" in errors


def test_empty_petitioner_list_is_refused(reception1, settings):
    errors = post_refused(api(reception1), settings, payload(petitioners=[]))
    assert "petitioners" in errors


@pytest.mark.parametrize("value", ["not json", '{"name": "张三"}', "[1, 2]", 42])
def test_malformed_petitioners_are_refused(reception1, settings, value):
    errors = post_refused(api(reception1), settings, payload(petitioners=value))
    assert "petitioners" in errors


def test_malformed_petitioners_json_in_multipart_is_refused(reception1, settings):
    body = multipart(payload())
    body["petitioners"] = "[{'name': broken"
    errors = post_refused(api(reception1), settings, body, format="multipart")
    assert "petitioners" in errors


def test_accusation_without_accused_unit_is_refused(reception1, settings):
    errors = post_refused(api(reception1), settings, payload(matter_kind="accusation"))
    assert list(errors) == ["accused_unit"]


def test_accusation_against_the_receiving_units_superior_is_refused(handler1, settings):
    errors = post_refused(
        api(handler1), settings, payload(matter_kind="accusation", accused_unit="D1")
    )
    assert "accused_unit" in errors


@pytest.mark.parametrize("value", ["", "unknown"])
def test_unknown_channel_or_kind_is_refused(reception1, settings, value):
    errors = post_refused(api(reception1), settings, payload(channel=value, matter_kind=value))
    assert {"channel", "matter_kind"} <= set(errors)


def test_case_the_user_cannot_see_is_refused_on_case(handler1, handler2, settings):
    registration = register_petition(handler1)
    errors = post_refused(api(handler2), settings, payload(case=registration.petition.case.number))
    assert list(errors) == ["case"]
    errors = post_refused(api(handler2), settings, payload(case="NOSUCH-2026-000001"))
    assert list(errors) == ["case"]


def test_case_of_another_kind_of_matter_is_refused(reception1, settings):
    registration = register_petition(reception1, matter_kind=MatterKind.SUGGESTION)
    errors = post_refused(api(reception1), settings, payload(case=registration.petition.number))
    assert "case" in errors


def test_closed_case_is_refused(reception1, settings):
    registration = register_petition(reception1)
    Case.objects.filter(pk=registration.petition.case_id).update(status="terminated")
    errors = post_refused(api(reception1), settings, payload(case=registration.petition.number))
    assert "case" in errors


def test_receiving_unit_outside_the_users_scope_is_refused(handler1, outsider, settings):
    errors = post_refused(api(handler1), settings, payload(receiving_unit="CTXFJ"))
    assert list(errors) == ["receiving_unit"]
    errors = post_refused(api(outsider), settings, payload(receiving_unit="CTXFJ"))
    assert list(errors) == ["receiving_unit"]


@pytest.mark.parametrize(
    "raw",
    [b'{"channel": "visit", ', b"not json at all", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b"null"],
)
def test_malformed_json_body_is_a_400_not_a_500(reception1, settings, raw):
    before = written_snapshot(settings.MEDIA_ROOT)
    response = api(reception1).post(PETITIONS_URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content[:500]
    assert written_snapshot(settings.MEDIA_ROOT) == before


def test_leader_may_not_register_and_nothing_is_written(city_leader, settings):
    before = written_snapshot(settings.MEDIA_ROOT)
    response = api(city_leader).post(PETITIONS_URL, payload(receiving_unit="CT"), format="json")
    assert response.status_code in (400, 403)
    assert written_snapshot(settings.MEDIA_ROOT) == before


def test_anonymous_create_is_refused(org, settings):
    before = written_snapshot(settings.MEDIA_ROOT)
    response = APIClient().post(PETITIONS_URL, payload(receiving_unit="CTXFJ"), format="json")
    assert response.status_code == 401
    assert written_snapshot(settings.MEDIA_ROOT) == before


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_full_width_digits_in_an_id_number_do_not_make_a_second_identity(reception1):
    # Chinese input methods easily type full-width digits. Either refuse them on the field,
    # or store the ASCII number so that the keyed hash (repeat detection) still matches.
    ascii_id = "11010519491231002X"
    response = api(reception1).post(
        PETITIONS_URL,
        payload(petitioners=[person(id_number=ascii_id.translate(FULL_WIDTH))]),
        format="json",
    )
    if response.status_code == 400:
        assert "id_number" in item(response.json()["petitioners"], 0)
        return
    assert response.status_code == 201, response.content
    assert response.json()["petitioners"][0]["id_number"] == ascii_id
    found = api(reception1).get(REPEAT_URL, {"id_number": ascii_id}).json()
    assert [case["number"] for case in found] == [response.json()["case"]]


def test_full_width_digits_in_a_phone_do_not_make_a_second_identity(reception1):
    ascii_phone = "13812345678"
    mixed = "13" + ascii_phone[2:].translate(FULL_WIDTH)
    response = api(reception1).post(
        PETITIONS_URL, payload(petitioners=[person(phone=mixed)]), format="json"
    )
    if response.status_code == 400:
        assert "phone" in item(response.json()["petitioners"], 0)
        return
    assert response.status_code == 201, response.content
    assert response.json()["petitioners"][0]["phone"] == ascii_phone


# --- scope ----------------------------------------------------------------------------------


@pytest.fixture
def d1_petition(handler1):
    """A petition handler1 registered at D1XFJ."""
    return register_petition(handler1, location_unit="D1S1").petition


def test_other_district_gets_404_for_petition_and_case(d1_petition, handler2):
    client = api(handler2)
    assert client.get(f"{PETITIONS_URL}{d1_petition.number}/").status_code == 404
    assert client.get(f"/api/v1/cases/{d1_petition.case.number}/").status_code == 404


def test_404_for_invisible_and_for_missing_petitions_look_the_same(d1_petition, handler2):
    invisible = api(handler2).get(f"{PETITIONS_URL}{d1_petition.number}/")
    missing = api(handler2).get(f"{PETITIONS_URL}D2XFJ-2026-999999/")
    assert invisible.status_code == missing.status_code == 404
    assert invisible.json() == missing.json()


def test_lists_never_show_other_units_petitions(d1_petition, handler2, outsider):
    own = register_petition(handler2, location_unit="D2S1").petition
    assert numbers(api(handler2).get(PETITIONS_URL)) == {own.number}
    assert numbers(api(outsider).get(PETITIONS_URL)) == set()
    assert api(outsider).get(f"{PETITIONS_URL}{d1_petition.number}/").status_code == 404
    assert api(outsider).get(f"{PETITIONS_URL}{own.number}/").status_code == 404


def test_list_filters_cannot_widen_the_scope(d1_petition, handler2):
    client = api(handler2)
    # A unit outside the scope is not a valid choice of the filter.
    outside = client.get(PETITIONS_URL, {"unit": "D1XFJ"})
    assert outside.status_code == 400
    assert "unit" in outside.json()
    assert d1_petition.number not in outside.content.decode()
    assert numbers(client.get(PETITIONS_URL, {"q": d1_petition.number})) == set()


def test_petition_is_visible_in_the_owning_area_and_above_but_not_to_sibling_districts(
    d1_petition,
    handler1,
    colleague1,
    city_leader,
    reception1,
    province_reception,
    handler2,
    d2_leader,
    outsider,
):
    url = f"{PETITIONS_URL}{d1_petition.number}/"
    # A petition office sees its government's whole area (accounts.selectors.scope_path):
    # the city office CTXFJ and the province office PRXFJ see what D1XFJ registered.
    for user in (handler1, colleague1, city_leader, reception1, province_reception):
        assert api(user).get(url).status_code == 200, user.username
        assert d1_petition.number in numbers(api(user).get(PETITIONS_URL)), user.username
    for user in (handler2, d2_leader, outsider):
        assert api(user).get(url).status_code == 404, user.username
        assert d1_petition.number not in numbers(api(user).get(PETITIONS_URL)), user.username


# --- masking --------------------------------------------------------------------------------


@pytest.fixture
def identified_petition(handler1):
    people = [
        petitioner(name="李四", id_number="11010519491231002X", phone="13812345678"),
        petitioner(PetitionerRole.MEMBER, name="王五", phone="010-62345678"),
    ]
    return register_petition(handler1, petitioners=people, person_count=2).petition


def test_list_masks_id_numbers_and_phones_even_for_the_owner(identified_petition, handler1):
    response = api(handler1).get(PETITIONS_URL)
    raw = response.content.decode()
    assert "11010519491231002X" not in raw
    assert "13812345678" not in raw
    assert "62345678" not in raw
    row = response.json()["results"][0]
    assert row["petitioners"][0]["id_number"] == "110105********002X"
    assert row["petitioners"][0]["phone"] == "138****5678"
    assert row["petitioners"][1]["phone"] == "010-****5678"
    assert row["petitioners"][0]["id_number"] == mask_id_number("11010519491231002X")


def test_detail_shows_full_identity_to_the_owning_unit(identified_petition, handler1, colleague1):
    for user in (handler1, colleague1):
        data = api(user).get(f"{PETITIONS_URL}{identified_petition.number}/").json()
        assert data["petitioners"][0]["id_number"] == "11010519491231002X"
        assert data["petitioners"][0]["phone"] == "13812345678"
        assert data["petitioners"][1]["phone"] == "010-62345678"


def test_detail_masks_identity_for_a_superior_outside_the_owning_unit(
    identified_petition, city_leader
):
    response = api(city_leader).get(f"{PETITIONS_URL}{identified_petition.number}/")
    assert response.status_code == 200
    raw = response.content.decode()
    assert "11010519491231002X" not in raw
    assert "13812345678" not in raw
    data = response.json()
    assert data["petitioners"][0]["id_number"] == "110105********002X"
    assert data["petitioners"][0]["phone"] == mask_phone("13812345678")


# --- accusations ----------------------------------------------------------------------------


@pytest.fixture
def accusation(reception1, org):
    """reception1 (CTXFJ) registers an accusation against the district-2 government."""
    response = api(reception1).post(
        PETITIONS_URL,
        payload(
            matter_kind="accusation",
            accused_unit="D2",
            accused_person="某副区长",
            location_unit="D2S1",
            category="1401",
            summary="举报西山区政府违规发放补贴",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _d2_users_see(accusation, users):
    seen = {}
    number = accusation["number"]
    principal = accusation["petitioners"][0]
    for user in users:
        client = api(user)
        repeat = client.get(REPEAT_URL, {"id_number": principal["id_number"]}).json()
        seen[user.username] = {
            "list": number in numbers(client.get(PETITIONS_URL)),
            "detail": client.get(f"{PETITIONS_URL}{number}/").status_code,
            "case": client.get(f"/api/v1/cases/{accusation['case']}/").status_code,
            "repeat": [case["number"] for case in repeat],
        }
    return seen


def test_accusation_is_visible_to_the_registering_office(accusation, reception1):
    client = api(reception1)
    assert accusation["number"] in numbers(client.get(PETITIONS_URL))
    detail = client.get(f"{PETITIONS_URL}{accusation['number']}/")
    assert detail.status_code == 200
    assert detail.json()["accused_unit"] == "D2"
    assert client.get(f"/api/v1/cases/{accusation['case']}/").status_code == 200


def test_accusation_is_invisible_to_the_accused_units_users(accusation, handler2, d2_leader):
    seen = _d2_users_see(accusation, [handler2, d2_leader])
    for username, what in seen.items():
        assert what == {"list": False, "detail": 404, "case": 404, "repeat": []}, username


def test_accusation_stays_hidden_even_when_its_case_is_owned_inside_the_accused_unit(
    accusation, handler2, d2_leader, org, reception1
):
    # Later issues forward cases; simulate one landing at the accused district's own office.
    # Without the accusation rule handler2 and d2_leader would now see it through the owner.
    set_owner(Case.objects.filter(number=accusation["case"]), org.d2_office)
    control = register_petition(reception1, location_unit="D2S1").petition
    set_owner(Case.objects.filter(pk=control.case_id), org.d2_office)

    assert control.number in numbers(api(handler2).get(PETITIONS_URL))
    seen = _d2_users_see(accusation, [handler2, d2_leader])
    for username, what in seen.items():
        assert what == {"list": False, "detail": 404, "case": 404, "repeat": []}, username


def test_accusation_against_a_district_is_visible_to_the_city(accusation, city_leader, org):
    set_owner(Case.objects.filter(number=accusation["case"]), org.d2_office)
    assert api(city_leader).get(f"{PETITIONS_URL}{accusation['number']}/").status_code == 200


# --- repeat check ---------------------------------------------------------------------------


@pytest.fixture
def earlier(handler1):
    principal = petitioner(name="陈重复", id_number=make_id_number(), phone=make_phone())
    registration = register_petition(handler1, location_unit="D1S1", petitioners=[principal])
    return registration.petition, principal


def test_repeat_check_finds_the_earlier_case_by_id_number(earlier, handler1):
    petition, principal = earlier
    response = api(handler1).get(REPEAT_URL, {"id_number": principal.id_number.lower()})
    assert response.status_code == 200
    [case] = response.json()
    assert case["number"] == petition.case.number
    assert case["status"] == "registered"
    assert case["petition_count"] == 1
    assert case["is_open"] is True
    assert case["is_terminated"] is False
    assert case["acceptance_due"]


def test_repeat_check_finds_the_earlier_case_by_phone(earlier, handler1):
    petition, principal = earlier
    response = api(handler1).get(REPEAT_URL, {"phone": principal.phone})
    assert [case["number"] for case in response.json()] == [petition.case.number]


def test_repeat_check_finds_the_earlier_case_by_name_and_location(earlier, handler1):
    petition, principal = earlier
    found = api(handler1).get(REPEAT_URL, {"name": principal.name, "location_unit": "D1S1"})
    assert [case["number"] for case in found.json()] == [petition.case.number]
    elsewhere = api(handler1).get(REPEAT_URL, {"name": principal.name, "location_unit": "D1JY"})
    assert elsewhere.json() == []


def test_repeat_check_reports_a_terminated_case(earlier, handler1):
    petition, principal = earlier
    Case.objects.filter(pk=petition.case_id).update(status="terminated")
    [case] = api(handler1).get(REPEAT_URL, {"id_number": principal.id_number}).json()
    assert case["is_terminated"] is True
    assert case["is_open"] is False


def test_repeat_check_stays_in_scope(earlier, handler2):
    _petition, principal = earlier
    assert api(handler2).get(REPEAT_URL, {"id_number": principal.id_number}).json() == []


def test_repeat_check_refuses_a_bad_id_number(handler1):
    response = api(handler1).get(REPEAT_URL, {"id_number": "110105194912310021"})
    assert response.status_code == 400
    assert "id_number" in response.json()


@pytest.mark.parametrize(
    "params",
    [{}, {"id_number": ""}, {"phone": "123"}, {"name": "张三", "location_unit": "NOSUCH"}],
)
def test_repeat_check_without_usable_parameters_is_a_400(handler1, params):
    assert api(handler1).get(REPEAT_URL, params).status_code == 400


# --- org units and categories ---------------------------------------------------------------


def test_org_units_are_scoped_to_the_users_area(handler2, city_leader, reception1, outsider):
    def codes(user) -> set[str]:
        response = api(user).get("/api/v1/org-units/")
        assert response.status_code == 200
        return {row["code"] for row in response.json()["results"]}

    # A petition office's scope is its government's subtree.
    assert codes(handler2) == {"D2", "D2XFJ", "D2JY", "D2S1", "D2S1C1"}
    city = {"CT", "CTXFJ", "CTJY"} | {
        f"D{n}{s}" for n in (1, 2) for s in ("", "XFJ", "JY", "S1", "S1C1")
    }
    assert codes(city_leader) == city
    assert codes(reception1) == city
    assert codes(outsider) == {"CY", "CYXFJ"}
    assert api(handler2).get("/api/v1/org-units/D1XFJ/").status_code == 404
    row = api(handler2).get("/api/v1/org-units/D2XFJ/").json()
    assert row["parent"] == "D2" and row["kind"] == "petition_office"


def test_categories_list_the_seeded_tree_with_parent_codes(handler1):
    response = api(handler1).get("/api/v1/categories/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert rows["03"] == {"code": "03", "name": "劳动和社会保障", "parent": None}
    assert rows["0301"] == {"code": "0301", "name": "拖欠工资", "parent": "03"}
    top = {row["name"] for row in rows.values() if row["parent"] is None}
    assert {"城乡建设", "征地拆迁", "涉法涉诉", "纪检监察", "人民建议", "其他"} <= top
    assert len(top) >= 16


def test_categories_and_org_units_need_authentication(org):
    assert APIClient().get("/api/v1/categories/").status_code == 401
    assert APIClient().get("/api/v1/org-units/").status_code == 401


# --- cases ----------------------------------------------------------------------------------


def test_case_detail_and_a_repeat_petition_attached_to_it(reception1):
    client = api(reception1)
    first = client.post(PETITIONS_URL, payload(), format="json").json()
    case_url = f"/api/v1/cases/{first['case']}/"

    case = client.get(case_url).json()
    assert case["number"] == first["case"]
    assert case["status"] == "registered"
    assert case["acceptance_due"] == first["acceptance_due"]
    assert [p["number"] for p in case["petitions"]] == [first["number"]]

    repeat = client.post(PETITIONS_URL, payload(case=first["case"]), format="json")
    assert repeat.status_code == 201, repeat.content
    assert repeat.json()["case"] == first["case"]
    assert repeat.json()["is_repeat"] is True
    assert repeat.json()["number"] != first["number"]
    assert Case.objects.count() == 1

    case = client.get(case_url).json()
    assert sorted(p["number"] for p in case["petitions"]) == sorted(
        [first["number"], repeat.json()["number"]]
    )
    assert case["acceptance_due"] == first["acceptance_due"]
    assert CaseEvent.objects.filter(case__number=first["case"]).count() == 2


def test_unknown_case_is_404(reception1):
    assert api(reception1).get("/api/v1/cases/NOSUCH-2026-000001/").status_code == 404


# --- query counts ---------------------------------------------------------------------------

# The acceptance asks for 10 and 500 rows; 500 registrations through the real service take
# a few seconds on SQLite, which is acceptable.
MANY = 500


def _register_many(actor, count: int) -> None:
    for index in range(count):
        people = [petitioner()]
        if index % 3 == 0:
            people.append(petitioner(PetitionerRole.MEMBER))
        register_petition(actor, location_unit="D1S1", petitioners=people, person_count=6)


def _list_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PETITIONS_URL, params or {})
    assert response.status_code == 200
    return len(queries)


def test_api_list_issues_the_same_number_of_queries_for_10_and_500_rows(handler1):
    client = api(handler1)
    _register_many(handler1, 10)
    few = _list_queries(client)
    few_filtered = _list_queries(client, {"channel": "visit", "category": "03"})
    _register_many(handler1, MANY - 10)
    assert client.get(PETITIONS_URL).json()["count"] == MANY
    assert _list_queries(client) == few
    assert _list_queries(client, {"channel": "visit", "category": "03"}) == few_filtered
    assert few <= 8


def test_api_detail_query_count_does_not_grow_with_petitioners(handler1):
    small = register_petition(handler1, petitioners=[petitioner()]).petition
    people = [petitioner()] + [petitioner(PetitionerRole.MEMBER) for _ in range(30)]
    big = register_petition(handler1, petitioners=people, person_count=31).petition
    client = api(handler1)
    client.get(f"{PETITIONS_URL}{small.number}/")  # per-process caches (content types) warm
    with CaptureQueriesContext(connection) as one:
        client.get(f"{PETITIONS_URL}{small.number}/")
    with CaptureQueriesContext(connection) as many:
        client.get(f"{PETITIONS_URL}{big.number}/")
    assert len(one) == len(many)


# --- schema and docs ------------------------------------------------------------------------


def test_openapi_schema_is_served(org):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "openapi" in text
    assert "/api/v1/petitions/" in text
    assert "/api/v1/petitions/repeat-check/" in text
    assert "/api/v1/cases/{number}/" in text


def test_api_docs_are_served_from_local_static_files_only(org):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for needle in ("cdn.", "unpkg", "jsdelivr", "cdnjs", "googleapis"):
        assert needle not in html, needle
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets, html[:500]
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
