"""Submitting a petition online by the API: `POST /api/v1/public/sms-codes/`, `POST
/api/v1/public/petitions/`, `GET /api/v1/public/units/`; the contract, every bad input as a
field error with nothing written, the limits, and the intake rules of a staff registration."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from accounts.models import OrgKind, OrgLevel, OrgUnit
from accounts.selectors import petition_office_for
from cases.models import CaseEvent, CaseStatus
from cases.selectors.lists import my_queue
from notifications.models import Notification
from petitions.models import Channel, Petition, PetitionerRole
from petitions.selectors import petitions_visible_to
from tests.factories import (
    UserFactory,
    make_id_number,
    pdf_bytes,
    png_bytes,
    register_petition,
    token_client,
    written_snapshot,
)
from tests.notifications.conftest import FakeSmsBackend

pytestmark = pytest.mark.usefixtures("frozen_now", "sms")

CODES = "/api/v1/public/sms-codes/"
SUBMIT = "/api/v1/public/petitions/"
UNITS = "/api/v1/public/units/"
PHONE = "13912345678"
ID_NUMBER = make_id_number(datetime.date(1970, 5, 6), sequence=11)


def ask_code(client, phone=PHONE, **extra):
    return client.post(CODES, {"phone": phone}, format="json", **extra)


def sent_code(phone=PHONE) -> str:
    """The code in the last text to `phone`."""
    texts = [text for to, text in FakeSmsBackend.sent if to == phone]
    return re.search(r"\d{6}", texts[-1]).group(0)


def form(org, **overrides) -> dict:
    data = {
        "name": "张三",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": "东湖街道幸福路1号",
        "location_unit": org.d1_street.code,
        "category": "0301",
        "summary": "工资被拖欠三个月",
        "content": "某公司拖欠我三个月工资，多次讨要未果。",
        "demands": "请求督促支付工资",
    }
    data.update(overrides)
    return data


def submit(client, data, **kwargs):
    """The request, with what runs after its commit (the receipt's text) run as in production."""
    kwargs.setdefault("format", "json")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(SUBMIT, data, **kwargs)


def submit_verified(client, org, **overrides):
    assert ask_code(client, overrides.get("phone", PHONE)).status_code == 202
    code = sent_code(overrides.get("phone", PHONE))
    return submit(client, form(org, sms_code=code, **overrides))


# --- the happy path ----------------------------------------------------------------------------


def test_a_petition_submitted_online_reaches_the_petition_office_of_its_place(
    client, org, handler1
):
    response = submit_verified(client, org)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"number", "query_code"}
    petition = Petition.objects.select_related("case").get(number=body["number"])
    assert petition.channel == Channel.ONLINE
    assert petition.registered_by is None
    assert petition.receiving_unit == org.d1_office  # 东湖街道 → 东湖区信访局
    assert petition.received_at == datetime.datetime.now(datetime.UTC)
    assert petition.case.status == CaseStatus.REGISTERED
    assert petition.is_skip_level is False and petition.is_group is False
    assert petition.is_first_time is True
    (party,) = petition.parties.select_related("petitioner")
    assert (party.name, party.role, party.phone) == ("张三", PetitionerRole.PRINCIPAL, PHONE)
    assert party.petitioner.id_number == ID_NUMBER
    event = CaseEvent.objects.get(case=petition.case, kind="registered")
    assert event.actor is None and event.data["online"] is True
    # In the office's acceptance queue.
    assert [case.number for case in my_queue(user=handler1).to_accept] == [petition.case.number]
    # The receipt by text: the number and the code; the row keeps the code masked.
    to, text = FakeSmsBackend.sent[-1]
    assert to == PHONE and body["number"] in text and body["query_code"] in text
    receipt = Notification.objects.get(kind="online_receipt")
    assert body["number"] in receipt.body and body["query_code"] not in receipt.body
    assert receipt.status == "sent"
    # The number and code work on the query.
    query = client.post(
        "/api/v1/public/query/",
        {"number": body["number"], "query_code": body["query_code"]},
        format="json",
    )
    assert query.status_code == 200 and query.json()["status"] == "registered"


def test_the_queue_page_of_the_office_lists_it(client, org, handler1):
    from django.test import Client

    number = submit_verified(client, org).json()["number"]
    case_number = Petition.objects.get(number=number).case.number
    staff = Client()
    staff.force_login(handler1)
    page = staff.get("/cases/queue/")
    assert page.status_code == 200 and case_number in page.content.decode()


def test_a_matter_at_a_petition_office_goes_to_that_office_and_a_business_unit_to_its_government(
    org,
):
    assert petition_office_for(org.d1_office) == org.d1_office
    assert petition_office_for(org.d1_business) == org.d1_office
    assert petition_office_for(org.d1_community) == org.d1_office
    assert petition_office_for(org.city) == org.city_office
    assert petition_office_for(org.province) == org.province_office
    assert petition_office_for(org.d1_community, not_within=org.d1) == org.city_office


def test_a_street_with_its_own_petition_office_receives_its_own(client, org):
    office = OrgUnit.objects.create(
        code="D1S1XF",
        name="东湖街道信访办",
        parent=org.d1_street,
        level=OrgLevel.TOWNSHIP,
        kind=OrgKind.PETITION_OFFICE,
    )
    number = submit_verified(client, org, location_unit=org.d1_community.code).json()["number"]
    assert Petition.objects.get(number=number).receiving_unit == office


def test_a_representative_and_the_person_count_make_a_group(client, org):
    representative = {"name": "李四", "id_number": make_id_number(sequence=12), "phone": ""}
    response = submit_verified(client, org, person_count=6, representative=representative)
    assert response.status_code == 201, response.json()
    petition = Petition.objects.get(number=response.json()["number"])
    assert petition.is_group is True and petition.person_count == 6
    assert [(p.name, p.role) for p in petition.parties.all()] == [
        ("张三", PetitionerRole.PRINCIPAL),
        ("李四", PetitionerRole.REPRESENTATIVE),
    ]


def test_a_second_petition_of_the_same_person_is_not_first_time(client, org, handler1):
    from tests.factories import petitioner

    register_petition(
        handler1,
        location_unit=org.d1_street,
        petitioners=[petitioner(name="张三", id_number=ID_NUMBER)],
    )
    number = submit_verified(client, org).json()["number"]
    assert Petition.objects.get(number=number).is_first_time is False


def test_a_repeat_petition_joins_the_case_in_work_and_an_ended_one_does_not(
    client, org, time_machine
):
    first = submit_verified(client, org).json()["number"]
    case = Petition.objects.get(number=first).case
    time_machine.shift(datetime.timedelta(minutes=2))  # the phone's next code
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = submit_verified(client, org, summary="再次反映工资问题")
    assert again.status_code == 201, again.json()
    repeat = Petition.objects.select_related("case").get(number=again.json()["number"])
    assert repeat.case == case and repeat.is_repeat is True and repeat.registered_by is None
    case.refresh_from_db()
    assert case.petition_count == 2 and case.status == CaseStatus.REGISTERED
    event = CaseEvent.objects.get(case=case, kind="petition_attached")
    assert event.actor is None and event.data == {"petition": repeat.number, "online": True}
    # Its own number and code follow the same case.
    query = client.post(
        "/api/v1/public/query/",
        {"number": repeat.number, "query_code": again.json()["query_code"]},
        format="json",
    )
    assert query.status_code == 200 and query.json()["status"] == "registered"

    # Another category is another matter; and a case no longer in work takes no repeats.
    time_machine.shift(datetime.timedelta(minutes=2))
    other = submit_verified(client, org, category="0101").json()["number"]
    assert Petition.objects.get(number=other).case != case
    case.status = CaseStatus.REPLIED
    case.save(update_fields=["status"])
    time_machine.shift(datetime.timedelta(minutes=2))
    later = submit_verified(client, org).json()["number"]
    assert Petition.objects.get(number=later).case != case


def test_an_accusation_never_joins_a_case(client, org, time_machine):
    first = submit_verified(client, org, accused_unit=org.d1_business.code).json()["number"]
    time_machine.shift(datetime.timedelta(minutes=2))
    second = submit_verified(client, org, accused_unit=org.d1_business.code).json()["number"]
    assert Petition.objects.get(number=first).case != Petition.objects.get(number=second).case


def test_multipart_with_attachments(client, org):
    assert ask_code(client).status_code == 202
    data = form(org, sms_code=sent_code())
    data["attachments"] = [
        SimpleUploadedFile("scan.pdf", pdf_bytes(), "application/pdf"),
        SimpleUploadedFile("photo.png", png_bytes(), "image/png"),
    ]
    response = submit(client, data, format="multipart")
    assert response.status_code == 201, response.json()
    petition = Petition.objects.get(number=response.json()["number"])
    assert sorted(a.content_type for a in petition.attachments.all()) == [
        "application/pdf",
        "image/png",
    ]


# --- accusations (Art. 30) ---------------------------------------------------------------------


def test_an_accusation_never_reaches_the_accused_unit(client, org):
    accused_user = UserFactory(org_unit=org.d1_business, roles=["handler"])
    response = submit_verified(client, org, accused_unit=org.d1_business.code)
    assert response.status_code == 201
    petition = Petition.objects.get(number=response.json()["number"])
    assert petition.matter_kind == "accusation" and petition.accused_unit == org.d1_business
    assert petition.receiving_unit == org.d1_office
    assert not petitions_visible_to(accused_user).filter(pk=petition.pk).exists()


def test_an_accusation_against_the_district_goes_to_the_city_office(client, org, handler1):
    response = submit_verified(client, org, accused_unit=org.d1.code)
    petition = Petition.objects.get(number=response.json()["number"])
    assert petition.receiving_unit == org.city_office
    assert not petitions_visible_to(handler1).filter(pk=petition.pk).exists()


# --- bad input: a field error each, nothing written -------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"location_unit": "NOSUCH"}, "location_unit"),
        ({"category": "9999"}, "category"),
        ({"accused_unit": "NOSUCH"}, "accused_unit"),
        ({"person_count": 0}, "person_count"),
        ({"phone": "010-62345678"}, "phone"),
        ({"summary": "x" * 201}, "summary"),
        ({"representative": {"name": "李四", "id_number": "123"}}, "representative"),
        ({"representative": {"name": "张三", "id_number": ID_NUMBER}}, "representative"),
        ({"representative": {"name": "李四"}, "person_count": 1}, "person_count"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(client, org, settings, overrides, field):
    assert ask_code(client).status_code == 202
    before = written_snapshot(settings.MEDIA_ROOT)
    response = submit(client, form(org, sms_code=sent_code(), **overrides))
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert written_snapshot(settings.MEDIA_ROOT) == before


@pytest.mark.parametrize(
    "missing", ["name", "id_number", "phone", "address", "location_unit", "category", "summary",
                "content", "sms_code"],
)  # fmt: skip
def test_every_required_field_is_asked_for(client, org, missing):
    data = form(org, sms_code="123456")
    del data[missing]
    response = submit(client, data)
    assert response.status_code == 400 and missing in response.json()


def test_too_many_oversized_or_fake_attachments_are_refused_and_nothing_stays(
    client, org, settings
):
    settings.ATTACHMENT_MAX_BYTES = 2048
    before = written_snapshot(settings.MEDIA_ROOT)
    assert ask_code(client).status_code == 202
    code = sent_code()
    for files in (
        [SimpleUploadedFile(f"{i}.png", png_bytes(), "image/png") for i in range(6)],
        [SimpleUploadedFile("big.pdf", pdf_bytes(padding=4096), "application/pdf")],
        [SimpleUploadedFile("fake.pdf", b"MZ not a pdf", "application/pdf")],
    ):
        data = form(org, sms_code=code, attachments=files)
        response = submit(client, data, format="multipart")
        assert response.status_code == 400 and "attachments" in response.json()
    assert written_snapshot(settings.MEDIA_ROOT) == before


def test_a_failure_after_the_files_were_saved_deletes_them(client, org, settings, monkeypatch):
    import petitions.models

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    before = written_snapshot(settings.MEDIA_ROOT)
    monkeypatch.setattr(petitions.models.Attachment.objects, "bulk_create", broken)
    assert ask_code(client).status_code == 202
    data = form(org, sms_code=sent_code())
    data["attachments"] = [SimpleUploadedFile("scan.pdf", pdf_bytes(), "application/pdf")]
    client.raise_request_exception = False
    response = submit(client, data, format="multipart")
    assert response.status_code == 500
    assert written_snapshot(settings.MEDIA_ROOT) == before


# --- the phone code ----------------------------------------------------------------------------


def test_the_code_is_six_digits_and_kept_nowhere_in_clear(client, org):
    response = ask_code(client)
    assert response.status_code == 202 and set(response.json()) == {"detail"}
    code = sent_code()
    assert len(code) == 6
    row = Notification.objects.get(kind="phone_code")
    assert code not in row.body and code not in row.title and "******" in row.body
    from django.core.cache import cache

    from portal.phone import _key

    stored = cache.get(_key(PHONE))
    assert stored is not None and code not in str(stored)
    assert PHONE not in _key(PHONE)


def test_a_wrong_code_is_a_field_error_and_five_kill_the_code(client, org, settings):
    assert ask_code(client).status_code == 202
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = submit(client, form(org, sms_code=wrong))
        assert response.status_code == 400 and set(response.json()) == {"sms_code"}
    assert submit(client, form(org, sms_code=wrong)).status_code == 400
    dead = submit(client, form(org, sms_code=code))
    assert dead.status_code == 400 and "sms_code" in dead.json()
    assert not Petition.objects.exists()


def test_the_code_expires_after_five_minutes(client, org, time_machine):
    assert ask_code(client).status_code == 202
    code = sent_code()
    time_machine.shift(datetime.timedelta(minutes=5, seconds=1))
    response = submit(client, form(org, sms_code=code))
    assert response.status_code == 400 and "sms_code" in response.json()


def test_a_code_serves_one_petition_and_survives_other_errors(client, org):
    assert ask_code(client).status_code == 202
    code = sent_code()
    assert submit(client, form(org, sms_code=code, category="9999")).status_code == 400
    assert submit(client, form(org, sms_code=code)).status_code == 201
    again = submit(client, form(org, sms_code=code))
    assert again.status_code == 400 and "sms_code" in again.json()


def test_a_code_for_another_phone_does_not_verify(client, org):
    assert ask_code(client).status_code == 202
    code = sent_code()
    response = submit(client, form(org, sms_code=code, phone="13800001111"))
    assert response.status_code == 400 and "sms_code" in response.json()


@pytest.mark.parametrize("phone", ["", "12345", "010-62345678", ["a"]])
def test_an_invalid_phone_is_a_field_error(client, db, phone):
    response = ask_code(client, phone)
    assert response.status_code == 400 and set(response.json()) == {"phone"}
    assert FakeSmsBackend.sent == []


def test_codes_per_phone_are_limited(client, org, time_machine):
    assert ask_code(client).status_code == 202
    again = ask_code(client)
    assert again.status_code == 429 and int(again["Retry-After"]) <= 60
    assert ask_code(client, "13800001111").status_code == 202  # another phone
    for _ in range(4):
        time_machine.shift(datetime.timedelta(seconds=61))
        assert ask_code(client).status_code == 202
    time_machine.shift(datetime.timedelta(seconds=61))
    assert ask_code(client).status_code == 429  # the sixth within the hour
    assert len([1 for to, _text in FakeSmsBackend.sent if to == PHONE]) == 5


def test_codes_per_address_are_limited(client, db, settings):
    settings.PUBLIC_SMS_CODE_RATE = "2/hour"
    assert ask_code(client, "13800000001").status_code == 202
    assert ask_code(client, "13800000002").status_code == 202
    refused = ask_code(client, "13800000003")
    assert refused.status_code == 429 and refused["Retry-After"]


def test_submissions_per_address_are_limited(client, org, settings):
    settings.PUBLIC_SUBMIT_RATE = "1/hour"
    assert submit_verified(client, org).status_code == 201
    assert submit(client, form(org, sms_code="123456")).status_code == 429


def test_without_phone_verification_no_code_is_asked(client, org, settings):
    settings.PUBLIC_PHONE_VERIFICATION = False
    assert ask_code(client).status_code == 202
    assert FakeSmsBackend.sent == []
    response = submit(client, form(org))
    assert response.status_code == 201, response.json()
    assert FakeSmsBackend.sent[-1][0] == PHONE  # the receipt still goes


def test_a_failing_gateway_changes_nothing_in_the_answer(client, org):
    FakeSmsBackend.failing = "gateway down"
    assert ask_code(client).status_code == 202
    row = Notification.objects.get(kind="phone_code")
    assert row.status == "failed" and row.next_attempt_at is None


# --- no staff credentials read ----------------------------------------------------------------


def test_a_staff_token_or_session_changes_nothing(org, handler1):
    api = token_client(handler1)
    assert api.post(CODES, {"phone": PHONE}, format="json").status_code == 202
    response = api.post(SUBMIT, form(org, sms_code=sent_code()), format="json")
    assert response.status_code == 201
    assert Petition.objects.get(number=response.json()["number"]).registered_by is None


# --- the unit search ---------------------------------------------------------------------------


def test_the_unit_search_finds_active_units_with_their_path(client, org, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(UNITS, {"q": "东湖"})
    assert response.status_code == 200
    rows = response.json()
    assert rows[0] == {"code": "D1", "name": "东湖区", "path": "示范省 › 江城市 › 东湖区"}
    assert {row["code"] for row in rows} == {"D1", "D1XFJ", "D1JY", "D1S1", "D1S1C1"}
    assert all(set(row) == {"code", "name", "path"} for row in rows)
    assert client.get(UNITS, {"q": ""}).json() == []
    org.d1_business.is_active = False
    org.d1_business.save()
    assert "D1JY" not in {row["code"] for row in client.get(UNITS, {"q": "东湖"}).json()}


def test_the_unit_search_is_throttled(client, db, settings):
    settings.PUBLIC_UNIT_SEARCH_RATE = "2/minute"
    assert client.get(UNITS, {"q": "东"}).status_code == 200
    assert client.get(UNITS, {"q": "东"}).status_code == 200
    assert client.get(UNITS, {"q": "东"}).status_code == 429


def test_the_staff_pages_name_the_petitioner_online_as_registrar(client, org, handler1):
    from django.test import Client

    number = submit_verified(client, org).json()["number"]
    case_number = Petition.objects.get(number=number).case.number
    staff = Client()
    staff.force_login(handler1)
    detail = staff.get(f"/petitions/{number}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert re.search(r"data-registered-by>\s*信访人网上提交", html)
    case_page = staff.get(f"/cases/{case_number}/")
    assert case_page.status_code == 200 and "信访人网上提交" in case_page.content.decode()
