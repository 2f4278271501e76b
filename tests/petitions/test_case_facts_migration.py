"""petitions 0003: the petition facts a case keeps (count, last receipt) are filled from the
petitions already registered."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.models import Case
from tests.factories import UserFactory, make_id_number, petitioner, register_petition


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))


@pytest.mark.django_db(transaction=True)
def test_existing_cases_get_their_petition_count_and_last_receipt(org):
    handler = UserFactory(username="h", org_unit=org.d1_office, roles=["handler"])
    person = petitioner(id_number=make_id_number())
    received = timezone.now() - datetime.timedelta(days=5)
    first = register_petition(handler, petitioners=[person], received_at=received).petition
    later = received + datetime.timedelta(days=2)
    register_petition(handler, petitioners=[person], case=first.case, received_at=later)
    alone = register_petition(handler, received_at=received).petition.case

    migrate(("petitions", "0002_standard_categories"))
    # As the rows stood before the facts were kept.
    Case.objects.update(petition_count=0, last_received_at=None)
    migrate(*MigrationExecutor(connection).loader.graph.leaf_nodes())

    facts = dict(Case.objects.values_list("pk", "petition_count"))
    assert facts == {first.case_id: 2, alone.pk: 1}
    assert Case.objects.get(pk=first.case_id).last_received_at == later
    assert Case.objects.get(pk=alone.pk).last_received_at == received
