"""No GET changes state (issue 13 §4): the pages a clerk, a leader and an attending unit open
around an appointment whose notices are not issued yet (which a GET used to issue: four
notice rows and an SMS) leave every table as it was and queue no message. Then the button's
POST issues once, and the pages opened again still write nothing."""

import re
from unittest import mock

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from reception.models import ReceptionNotice
from tests.reception.notices_fixtures import *  # noqa: F403
from tests.reception.notices_fixtures import issue

# Left out: the session, and the security records whose purpose is to note reads (an audit
# trail of who viewed what, login records).
RECORDS_OF_READS = re.compile(r"^sessions\.|audit|accesslog|accessattempt", re.I)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and not RECORDS_OF_READS.search(model._meta.label)
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urls(appointment) -> list[str]:
    base = f"/reception/appointments/{appointment.pk}"
    case = appointment.case
    return [
        f"{base}/",
        f"{base}/notices/petitioner/",
        f"{base}/notices/leader/",
        f"{base}/notices/unit/?unit=CTJY",
        f"{base}/notices/unit/?unit=D1XFJ",
        f"{base}/notices/petitioner/docx/",
        f"{base}/notices/leader/docx/",
        f"{base}/notices/unit/docx/?unit=CTJY",
        f"/cases/{case.number}/",
        f"/petitions/{case.petitions.first().number}/",
        "/petitions/",
        "/cases/",
        "/cases/queue/",
        "/notifications/",
        "/notifications/bell/",
        "/reception/calendar/",
        f"/api/v1/reception/notices/?appointment={appointment.pk}",
        "/api/v1/notifications/",
    ]


@pytest.fixture
def queued():
    with mock.patch("notifications.services.sending.enqueue_delivery") as enqueue:
        yield enqueue


def test_opening_the_pages_writes_nothing_and_sends_nothing(
    appointment, reception1, leader, city_business_user, handler1, queued,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    before = row_counts()
    statuses = {}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for user in (reception1, leader, city_business_user, handler1):
            client = logged_in(user)
            for url in urls(appointment):
                statuses[user.username, url] = client.get(url).status_code
    assert row_counts() == before
    assert callbacks == []
    queued.assert_not_called()
    # The clerk saw every page (the notices with the button that issues them).
    assert all(
        status in (200, 302)
        for (username, _url), status in statuses.items()
        if username == "reception1"
    ), statuses

    # The button issues once; a second press and the pages opened again change nothing.
    client = logged_in(reception1)
    with django_capture_on_commit_callbacks(execute=True):
        issue(client, appointment)
    assert ReceptionNotice.objects.count() == 4
    assert queued.call_count >= 1
    after_issue = row_counts()
    calls = queued.call_count
    with django_capture_on_commit_callbacks(execute=True):
        issue(client, appointment)
        for user in (reception1, leader, city_business_user, handler1):
            user_client = logged_in(user)
            for url in urls(appointment):
                user_client.get(url)
    assert row_counts() == after_issue
    assert queued.call_count == calls


def test_the_issue_url_refuses_a_get(appointment, reception1):
    before = row_counts()
    url = reverse("reception:notices_issue", args=[appointment.pk])
    assert logged_in(reception1).get(url).status_code == 405
    assert row_counts() == before
