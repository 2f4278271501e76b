"""`run_service`: a service's refusals answered the one way every page does (input errors on
the form, "not allowed" as the 403 page, a conflict as a message), and `place_errors` for a
page whose input errors go elsewhere."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from core.exceptions import Conflict, NotAllowed, ValidationError
from core.pages import run_service


class NoteForm(forms.Form):
    note = forms.CharField()


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    return request


def bound_form() -> NoteForm:
    form = NoteForm({"note": "x"})
    assert form.is_valid()
    return form


def raises(error: Exception):
    def fn():
        raise error

    return fn


def texts(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


def test_the_result_comes_back_when_the_service_succeeds(request_):
    outcome = run_service(request_, bound_form(), lambda: 42)
    assert (outcome.ok, outcome.result, outcome.refused) == (True, 42, None)
    assert texts(request_) == []


def test_input_errors_land_on_the_form_fields_or_above_it(request_):
    form = bound_form()
    error = ValidationError({"note": ["Too short."], "other": ["Not a field."]})
    outcome = run_service(request_, form, raises(error))
    assert (outcome.ok, outcome.status) == (False, 400)
    assert form.errors["note"] == ["Too short."]
    assert form.non_field_errors() == ["Not a field."]


def test_without_a_form_input_errors_become_a_message(request_):
    outcome = run_service(request_, None, raises(ValidationError(["One.", "Two."])))
    assert outcome.status == 400
    assert texts(request_) == ["One. Two."]


def test_place_errors_replaces_the_form_for_input_errors(request_):
    form = bound_form()
    placed = []
    error = ValidationError({"tasks": ["No task."]})
    outcome = run_service(request_, form, raises(error), place_errors=placed.append)
    assert outcome.status == 400
    assert placed == [error]
    assert not form.errors


@pytest.mark.django_db
def test_not_allowed_is_the_403_page_with_its_reason_and_the_way_back(request_):
    outcome = run_service(request_, bound_form(), raises(NotAllowed("Not yours.")), back="/x/")
    assert outcome.status == 403
    assert outcome.refused.status_code == 403
    page = outcome.refused.content.decode()
    assert "Not yours." in page and 'href="/x/"' in page


def test_a_conflict_is_a_message_and_409(request_):
    form = bound_form()
    outcome = run_service(request_, form, raises(Conflict("Changed meanwhile.")))
    assert (outcome.ok, outcome.status, outcome.refused) == (False, 409, None)
    assert texts(request_) == ["Changed meanwhile."]
    assert not form.errors
