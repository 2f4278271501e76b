"""The admin reads in Chinese: its titles name the product (not Django), the document
sequences, the appointment list's columns and the roles (groups) are translated."""

import re

import pytest
from django.conf import settings

from accounts.models import DocumentSequence
from reception.appointments.services.booking import appointment_book
from tests.factories import UserFactory
from tests.reception.test_appointments_services import THURSDAY, make_case, make_schedule

PAGES = [
    "/admin/",
    "/admin/accounts/documentsequence/",
    "/admin/reception/appointment/",
    "/admin/auth/group/",
    "/admin/accounts/user/",
]
ENGLISH = [
    "Django",
    "Document sequence",
    "CASE",
    "BOOKED BY",
    "BOOKED AT",
    "Case",
    "Booked by",
    "Booked at",
    "Reception</a>",
    "Handler</a>",
    "Leader</a>",
    "Supervisor</a>",
]


@pytest.fixture
def superuser(org):
    return UserFactory(
        username="root", org_unit=org.city, is_staff=True, is_superuser=True, roles=["admin"]
    )


@pytest.mark.parametrize("url", PAGES)
def test_admin_pages_have_no_english_left(
    client, superuser, reception1, city_leader, org, frozen_now, url
):
    schedule = make_schedule(city_leader, reception1, attending=[org.city_business])
    appointment_book(actor=reception1, case=make_case(reception1), schedule=schedule, date=THURSDAY)
    DocumentSequence.objects.create(unit=org.city, series="督", year=2026, last_value=3)
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(url).content.decode()
    headers = " ".join(re.findall(r"<th[^>]*>.*?</th>", page, flags=re.S))
    title = re.search(r"<title>(.*?)</title>", page, flags=re.S).group(1)
    assert "信访通" in title
    for word in ENGLISH:
        assert word not in page.replace("django", ""), word
    assert not re.search(r">\s*[A-Z][A-Z ]{2,}\s*<", headers), headers


def test_roles_read_as_their_labels_but_keep_their_code_names(client, superuser, reception1):
    from django.contrib.auth.models import Group

    from accounts.roles import role_label

    group = Group.objects.get(name="reception")
    assert group.name == "reception" and role_label(group) == "接待员"
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    groups = client.get("/admin/auth/group/").content.decode()
    assert "接待员" in groups
    users = client.get("/admin/accounts/user/").content.decode()
    assert "?role=reception" in users and "接待员" in users  # the role filter
    form = client.get(f"/admin/accounts/user/{reception1.pk}/change/").content.decode()
    assert re.search(rf'<option value="{group.pk}"[^>]*>接待员</option>', form)
    filtered = client.get("/admin/accounts/user/", {"role": "reception"}).content.decode()
    assert "reception1" in filtered and "root" not in filtered.split("result_list")[-1]
