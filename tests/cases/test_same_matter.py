"""A terminated matter (终结) raised again: registration links the new case to it, the pages
warn, and acceptance refuses it (Art. 36)."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseStatus
from core.exceptions import Conflict
from tests.factories import petitioner, register_petition


@pytest.fixture
def terminated(handler1):
    person = petitioner()
    case = register_petition(handler1, petitioners=[person]).petition.case
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.TERMINATED)
    return case, person


def test_same_person_and_category_is_linked_to_the_terminated_case(handler1, terminated):
    case, person = terminated
    again = register_petition(handler1, petitioners=[person]).petition.case
    assert again.same_matter_as == case
    with pytest.raises(Conflict, match=case.number):
        services.case_accept(actor=handler1, case=again)


def test_another_category_is_another_matter(handler1, terminated):
    _, person = terminated
    again = register_petition(handler1, petitioners=[person], category="0104").petition.case
    assert again.same_matter_as is None
    services.case_accept(actor=handler1, case=again)


def test_petition_page_warns_and_links_to_the_case(client, handler1, terminated):
    case, person = terminated
    petition = register_petition(handler1, petitioners=[person]).petition
    client.force_login(handler1)
    page = client.get(reverse("petitions:detail", args=[petition.number])).content.decode()
    assert "data-same-matter" in page and case.number in page
    assert reverse("cases:detail", args=[petition.case.number]) in page
