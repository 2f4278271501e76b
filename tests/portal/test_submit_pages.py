"""`/public/submit/`: the three steps without JavaScript (the phone behind the picture puzzle,
the code, then the petition with no time pressure), errors beside their fields, the success
page, large text."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from petitions.models import Channel, Petition
from tests.factories import make_id_number, png_bytes, written_snapshot
from tests.notifications.conftest import FakeSmsBackend

pytestmark = pytest.mark.usefixtures("frozen_now", "sms")

URL = "/public/submit/"
PHONE = "13912345678"
ID_NUMBER = make_id_number(datetime.date(1980, 2, 3), sequence=21)


@pytest.fixture
def captcha_test_mode(settings, monkeypatch):
    """The puzzle takes "PASSED" (CAPTCHA_TEST_MODE; the package reads its settings once, at
    import, so its copy is set too)."""
    import captcha.conf.settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha.conf.settings, "CAPTCHA_TEST_MODE", True)


@pytest.fixture
def client():
    return Client()


PUZZLE = {"captcha_0": "anykey", "captcha_1": "PASSED"}


def step_one(client, phone=PHONE, **extra):
    return client.post(URL, {"step": "phone", "phone": phone, **PUZZLE, **extra})


def the_code() -> str:
    return re.search(r"\d{6}", FakeSmsBackend.sent[-1][1]).group(0)


def step_two(client, phone=PHONE, code=None):
    return client.post(
        URL, {"step": "code", "phone": phone, "sms_code": the_code() if code is None else code}
    )


def token_in(response) -> str:
    return re.search(r'name="phone_token" value="([^"]+)"', response.content.decode()).group(1)


def verified(client, phone=PHONE) -> str:
    """Steps 1 and 2: the phone's signed proof the petition form carries."""
    assert step_one(client, phone).status_code == 200
    response = step_two(client, phone)
    assert response.status_code == 200, field_errors(response)
    return token_in(response)


def petition_form(org, token="", **overrides):
    data = {
        "step": "petition",
        "phone": PHONE,
        "phone_token": token,
        "name": "王五",
        "id_number": ID_NUMBER,
        "address": "西山街道1号",
        "location_unit": org.d2_street.code,
        "category": str(_category_pk("0301")),
        "summary": "噪音扰民",
        "content": "工地夜间施工噪音很大。",
        "demands": "",
        "accused_unit": "",
        "person_count": "1",
        "representative_name": "",
        "representative_id_number": "",
        "representative_phone": "",
        **PUZZLE,
    }
    data.update(overrides)
    return data


def _category_pk(code):
    from petitions.models import Category

    return Category.objects.get(code=code).pk


def post_petition(client, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, data)


def field_errors(response) -> dict[str, str]:
    html = response.content.decode()
    return dict(re.findall(r'data-field-error="([^"]+)">([^<]+)<', html))


def test_the_start_page_links_to_the_form(client, db):
    html = client.get("/public/").content.decode()
    assert 'href="/public/submit/"' in html and 'id="start-submit"' in html


def test_step_one_asks_for_the_phone_and_the_puzzle(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="phone"' in html and 'name="captcha_1"' in html
    image = re.search(r'<img src="(/public/captcha/image/\w+/)"', html).group(1)
    picture = client.get(image)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert "img-src 'self'" in response["Content-Security-Policy"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_a_wrong_puzzle_answer_is_shown_beside_it_and_nothing_is_sent(client, db):
    response = client.post(
        URL, {"step": "phone", "phone": PHONE, "captcha_0": "nokey", "captcha_1": "WRONG"}
    )
    assert response.status_code == 400
    assert "captcha" in field_errors(response)
    assert FakeSmsBackend.sent == []


@pytest.mark.usefixtures("captcha_test_mode")
def test_a_landline_is_refused_beside_the_phone_field(client, db):
    response = step_one(client, "010-62345678")
    assert response.status_code == 400 and "phone" in field_errors(response)


@pytest.mark.usefixtures("captcha_test_mode")
def test_the_three_steps_and_the_success_page(client, org):
    response = step_one(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="code-sent"' in html and 'name="sms_code"' in html and 'id="step"' in html
    assert FakeSmsBackend.sent[-1][0] == PHONE
    response = step_two(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="sms_code"' not in html
    assert 'id="verified-phone"' in html and PHONE in html
    data = petition_form(org, token_in(response))
    data["attachments"] = SimpleUploadedFile("photo.png", png_bytes(), "image/png")
    done = post_petition(client, data)
    assert done.status_code == 201, field_errors(done)
    html = done.content.decode()
    petition = Petition.objects.get()
    assert petition.channel == Channel.ONLINE and petition.receiving_unit == org.d2_office
    assert petition.attachments.count() == 1
    number = re.search(r'id="submitted-number">([^<]+)<', html).group(1)
    code = re.search(r'id="submitted-code">([^<]+)<', html).group(1)
    assert number == petition.number
    assert 'id="write-down"' in html and 'href="/public/query/"' in html
    to, text = FakeSmsBackend.sent[-1]
    assert to == PHONE and number in text and code in text
    assert "no-store" in done["Cache-Control"] or "no-cache" in done["Cache-Control"]
    # The code shown works on the query page.
    query = client.post("/public/query/", {"number": number, "query_code": code})
    assert query.status_code == 200


@pytest.mark.usefixtures("captcha_test_mode")
def test_errors_are_shown_beside_their_fields_and_nothing_is_written(client, org, settings):
    token = verified(client)
    before = written_snapshot(settings.MEDIA_ROOT)
    bad_id = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    response = post_petition(
        client,
        petition_form(org, token, id_number=bad_id, location_unit="没有这个地方", summary=""),
    )
    assert response.status_code == 400
    errors = field_errors(response)
    assert {"id_number", "location_unit", "summary"} <= set(errors)
    assert 'id="form-errors"' in response.content.decode()
    assert written_snapshot(settings.MEDIA_ROOT) == before


@pytest.mark.usefixtures("captcha_test_mode")
def test_a_wrong_sms_code_is_shown_beside_it_and_five_kill_it(client, org, settings):
    step_one(client)
    right = the_code()
    wrong = "000000" if right != "000000" else "111111"
    response = step_two(client, code=wrong)
    assert response.status_code == 400 and "sms_code" in field_errors(response)
    assert 'name="phone_token"' not in response.content.decode()
    assert 'id="code-again"' in response.content.decode()  # a new code, the phone kept
    for _ in range(settings.PUBLIC_SMS_CODE_MAX_TRIES - 1):
        step_two(client, code=wrong)
    dead = step_two(client, code=right)
    assert dead.status_code == 400 and "sms_code" in field_errors(dead)
    assert not Petition.objects.exists()


@pytest.mark.usefixtures("captcha_test_mode")
def test_once_the_code_is_entered_writing_takes_as_long_as_it_takes(
    client, org, settings, time_machine
):
    token = verified(client)
    # Hours later: the code (minutes) and the puzzle would have run out long ago.
    time_machine.shift(datetime.timedelta(hours=settings.PUBLIC_PHONE_VERIFIED_HOURS - 1))
    done = post_petition(client, petition_form(org, token))
    assert done.status_code == 201, field_errors(done)
    petition = Petition.objects.get()
    assert petition.parties.get().phone == PHONE
    # The code served once: it cannot verify again.
    assert (
        step_two(client, code=re.search(r"\d{6}", FakeSmsBackend.sent[0][1])[0]).status_code == 400
    )


@pytest.mark.usefixtures("captcha_test_mode")
def test_a_run_out_or_forged_proof_is_refused_and_nothing_is_written(
    client, org, settings, time_machine
):
    token = verified(client)
    for forged in ("", "x", token[:-2] + "zz"):
        response = post_petition(client, petition_form(org, forged))
        assert response.status_code == 400 and "phone_token" in field_errors(response)
    time_machine.shift(datetime.timedelta(hours=settings.PUBLIC_PHONE_VERIFIED_HOURS, minutes=1))
    response = post_petition(client, petition_form(org, token))
    assert response.status_code == 400 and "phone_token" in field_errors(response)
    assert "summary" not in field_errors(response)  # what was written is kept
    assert 'value="噪音扰民"' in response.content.decode()
    assert not Petition.objects.exists()


@pytest.mark.usefixtures("captcha_test_mode")
def test_the_final_submit_needs_the_puzzle_too(client, org):
    token = verified(client)
    data = petition_form(org, token, captcha_0="nokey", captcha_1="WRONG")
    response = post_petition(client, data)
    assert response.status_code == 400 and "captcha" in field_errors(response)
    assert not Petition.objects.exists()


@pytest.mark.usefixtures("captcha_test_mode")
def test_a_place_typed_by_name_is_found_and_an_ambiguous_one_lists_the_choices(client, org):
    token = verified(client)
    ambiguous = post_petition(client, petition_form(org, token, location_unit="西山"))
    assert ambiguous.status_code == 400 and "location_unit" in field_errors(ambiguous)
    html = ambiguous.content.decode()
    assert 'data-candidates="location_unit"' in html and "D2S1" in html
    done = post_petition(client, petition_form(org, token, location_unit="西山街道"))
    assert done.status_code == 201
    assert Petition.objects.get().location_unit == org.d2_street


@pytest.mark.usefixtures("captcha_test_mode")
def test_an_accusation_from_the_page(client, org):
    token = verified(client)
    done = post_petition(client, petition_form(org, token, accused_unit=org.d2_business.code))
    assert done.status_code == 201
    petition = Petition.objects.get()
    assert petition.matter_kind == "accusation" and petition.accused_unit == org.d2_business


@pytest.mark.usefixtures("captcha_test_mode")
def test_asking_for_codes_too_often_is_refused_with_the_wait(client, db):
    assert step_one(client).status_code == 200
    again = step_one(client)
    assert again.status_code == 429 and int(again["Retry-After"]) <= 60
    assert "data-form-error" in again.content.decode()


@pytest.mark.usefixtures("captcha_test_mode")
def test_without_phone_verification_the_form_comes_at_once(client, org, settings):
    settings.PUBLIC_PHONE_VERIFICATION = False
    page = client.get(URL)
    html = page.content.decode()
    assert 'name="sms_code"' not in html and 'name="phone"' in html and 'name="captcha_1"' in html
    done = post_petition(client, petition_form(org))
    assert done.status_code == 201, field_errors(done)


def test_large_text_is_honoured(client, db):
    client.cookies["portal_large_text"] = "1"
    assert 'class="portal portal-large"' in client.get(URL).content.decode()


def test_the_page_reads_no_staff_session(client, org, handler1):
    client.force_login(handler1)
    html = client.get(URL).content.decode()
    assert "handler1" not in html and "logout" not in html
