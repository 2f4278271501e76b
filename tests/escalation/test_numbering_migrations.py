"""The data migrations of the document numbers: the sequences move from escalation to
accounts (escalation 0003), a ranking notice gets its issuer from its old number (escalation
0002), and replies approved before they were numbered get their numbers (cases 0014)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import DocumentSequence
from cases.models import Reply
from escalation.models import RankingNotice

D = datetime.date


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_sequences_move_and_the_ranking_notices_get_their_issuer(org):
    apps = migrate(("escalation", "0001_initial"))
    OldSequence = apps.get_model("escalation", "DocumentSequence")
    OldSequence.objects.create(unit_id=org.city_office.pk, series="督", year=2026, last_value=7)
    OldNotice = apps.get_model("escalation", "RankingNotice")
    known = OldNotice.objects.create(
        month=D(2026, 10, 1),
        unit_id=org.d1_street.pk,
        kind="rectification",
        number="D1XFJ整改〔2026〕1号",
        due_on=D(2026, 12, 1),
    )
    unknown = OldNotice.objects.create(
        month=D(2026, 10, 1),
        unit_id=org.d2_street.pk,
        kind="rectification",
        number="GONE整改〔2026〕1号",
        due_on=D(2026, 12, 1),
    )
    latest()
    sequence = DocumentSequence.objects.get()
    assert (sequence.unit_id, sequence.series, sequence.year) == (org.city_office.pk, "督", 2026)
    assert sequence.last_value == 7
    assert RankingNotice.objects.get(pk=known.pk).issuing_unit == org.d1_office
    assert RankingNotice.objects.get(pk=unknown.pk).issuing_unit is None


@pytest.mark.django_db(transaction=True)
def test_replies_approved_before_get_their_numbers_in_order(org):
    from tests.factories import UserFactory, register_petition

    handler = UserFactory(username="h", org_unit=org.d1_street, roles=["handler"])
    replies = []
    for summary in ("路灯不亮", "垃圾堆积", "草稿"):
        case = register_petition(handler, summary=summary).petition.case
        replies.append(
            Reply.objects.create(
                case=case,
                request="r",
                facts_and_reasons="f",
                unit=org.d1_street,
                drafted_by=handler,
                drafted_on=D(2026, 11, 1),
            )
        )
    first, second, draft = replies
    Reply.objects.filter(pk=second.pk).update(status="delivered", approved_on=D(2026, 11, 2))
    Reply.objects.filter(pk=first.pk).update(status="approved", approved_on=D(2026, 11, 3))
    DocumentSequence.objects.create(unit=org.d1_street, series="", year=2026, last_value=4)

    migrate(("cases", "0013_reply_number"))
    latest()
    numbers = dict(Reply.objects.values_list("pk", "number"))
    assert numbers == {
        second.pk: "东湖街道〔2026〕5号",  # approved first
        first.pk: "东湖街道〔2026〕6号",
        draft.pk: "",
    }
    assert DocumentSequence.objects.get(unit=org.d1_street, series="").last_value == 6
