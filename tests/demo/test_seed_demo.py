"""`manage.py seed_demo`: the demo org tree, accounts, petitions, and the handling of the
cases through the case services: every state of DESIGN §3 is there to see."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from accounts.roles import Role
from cases.documents import reply_document
from cases.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    Document,
    Evaluation,
    EventKind,
    Hearing,
    MatterKind,
    NotAcceptReason,
    Reply,
    ReplyStatus,
    Review,
    ReviewLevel,
)
from cases.selectors import my_queue
from core.identity import normalize_phone, parse_resident_id
from demo.management.commands.seed_demo import Command
from demo.people import PersonFactory
from demo.petitions.plan import VolumePlanner
from demo.seed import (
    DEFAULT_PETITIONS,
    DEMO_UNIT_CODES,
    SCENARIOS,
    SHOWCASES,
    scenario_numbers,
    story_cases,
)
from petitions.models import (
    Channel,
    NumberSequence,
    Petition,
    Petitioner,
    PetitionerRole,
    PetitionPetitioner,
)
from tests.demo.conftest import SMALL, seed


def roles_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_default_is_500_petitions():
    args = Command().create_parser("manage.py", "seed_demo").parse_args([])
    assert args.petitions == DEFAULT_PETITIONS == 500


def test_org_tree(seeded):
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=DEMO_UNIT_CODES)}
    assert set(units) == DEMO_UNIT_CODES
    assert units["JN"].level == OrgLevel.PROVINCE
    assert units["JZ"].level == OrgLevel.CITY
    assert units["JZ"].parent == units["JN"]
    five_kinds = {
        OrgKind.PETITION_OFFICE,
        OrgKind.BUSINESS,
        OrgKind.STABILITY,
        OrgKind.JUDICIAL,
        OrgKind.DISCIPLINE,
    }
    for code in ("JZ", "JZD1", "JZD2", "JZD3"):
        children = OrgUnit.objects.filter(parent=units[code])
        assert five_kinds <= set(children.values_list("kind", flat=True)), code
    for district in ("JZD1", "JZD2", "JZD3"):
        assert units[district].level == OrgLevel.DISTRICT
        towns = OrgUnit.objects.filter(parent=units[district], level=OrgLevel.TOWNSHIP)
        assert towns.count() == 2
        for town in towns:
            assert 2 <= town.children.filter(level=OrgLevel.VILLAGE).count() <= 3
    names = set(OrgUnit.objects.values_list("name", flat=True))
    assert {"升平社区", "北五道街社区", "竹林村", "青山县水库移民安置办公室"} <= names


OFFICERS = ("admin", "security1", "auditor1")


def test_accounts(seeded):
    expected = {
        "reception1": ("JZXFJ", {Role.RECEPTION}),
        "handler1": ("JZD1XFJ", {Role.HANDLER}),
        "handler2": ("JZD2XFJ", {Role.HANDLER}),
        "leader1": ("JZ", {Role.LEADER}),
        "supervisor1": ("JZ", {Role.SUPERVISOR}),
        "admin": ("JZ", {Role.ADMIN}),
        "security1": ("JZ", {Role.SECURITY}),
        "auditor1": ("JZ", {Role.AUDITOR}),
    }
    for code in ("JZ", "JZD1", "JZD2", "JZD3"):
        expected[f"{code.lower()}-leader"] = (code, {Role.LEADER})
        expected[f"{code.lower()}-supervisor"] = (code, {Role.SUPERVISOR})
    expected["jn-leader"] = ("JN", {Role.LEADER})
    for unit in OrgUnit.objects.filter(code__in=DEMO_UNIT_CODES):
        roles = {Role.HANDLER}
        if unit.kind == OrgKind.PETITION_OFFICE:
            roles.add(Role.RECEPTION)
        expected[unit.code.lower()] = (unit.code, roles)

    for username, (unit_code, roles) in expected.items():
        user = User.objects.select_related("org_unit").get(username=username)
        assert user.org_unit.code == unit_code, username
        assert roles_of(username) == roles, username
        assert user.check_password(settings.DEMO_PASSWORD), username
        assert user.last_name and user.first_name, username
        assert username in seeded  # printed
    # The three officers (三员): none a superuser; the two administrators reach the admin site.
    officers = {user.username: user for user in User.objects.filter(username__in=OFFICERS)}
    assert {name: user.is_staff for name, user in officers.items()} == {
        "admin": True,
        "security1": True,
        "auditor1": False,
    }
    assert not User.objects.filter(is_superuser=True).exists()
    assert "DEMO_PASSWORD" in seeded


def test_second_run_creates_and_changes_nothing(seeded):
    models = (
        OrgUnit, User, Petition, Petitioner, PetitionPetitioner, Case, CaseEvent, Deadline,
        NumberSequence, Assignment, Approval, Reply, Evaluation, Review, Hearing, Document,
    )  # fmt: skip
    before = {model: model.objects.count() for model in models}
    statuses = list(Case.objects.order_by("pk").values_list("pk", "status", "last_step_on"))
    passwords = dict(User.objects.values_list("username", "password"))
    sequences = list(NumberSequence.objects.values_list("unit_id", "year", "last_value"))

    out = seed()

    assert {model: model.objects.count() for model in models} == before
    assert list(Case.objects.order_by("pk").values_list("pk", "status", "last_step_on")) == (
        statuses
    )
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert list(NumberSequence.objects.values_list("unit_id", "year", "last_value")) == sequences
    assert "none added" in out
    assert "Org units created: 0; accounts created: 0." in out


def test_petition_mix(seeded):
    petitions = Petition.objects.select_related("receiving_unit", "accused_unit", "case")
    # The planned ones, the one a screened dispute was registered as and the four suggestions
    # (demo/ledgers.py).
    assert petitions.count() == SMALL + 1 + 4
    assert set(petitions.values_list("channel", flat=True)) == set(Channel.values)

    now = timezone.now()
    for petition in petitions:
        assert now - datetime.timedelta(days=366) < petition.received_at <= now
        year = timezone.localtime(petition.received_at).year
        assert re.fullmatch(rf"{petition.receiving_unit.code}-{year}-\d{{6}}", petition.number)

    groups = petitions.filter(is_group=True)
    assert groups.exists()
    assert all(p.person_count >= settings.GROUP_VISIT_THRESHOLD for p in groups)
    representatives = PetitionPetitioner.objects.filter(role=PetitionerRole.REPRESENTATIVE)
    per_petition = representatives.values("petition").annotate(n=Count("id"))
    assert per_petition.exists()
    assert max(row["n"] for row in per_petition) <= settings.GROUP_MAX_REPRESENTATIVES

    repeats = petitions.filter(is_repeat=True)
    assert repeats.exists()
    # A repeat attaches to an open case instead of opening one.
    assert Case.objects.count() == petitions.count() - repeats.count()
    for repeat in repeats:
        earlier = repeat.case.petitions.exclude(pk=repeat.pk)
        assert earlier.filter(received_at__lt=repeat.received_at).exists()

    skip = petitions.filter(is_skip_level=True)
    assert skip.filter(receiving_unit__code="JNXFJ", channel=Channel.VISIT).exists()
    assert all(p.channel == Channel.VISIT for p in skip)

    accusations = petitions.filter(matter_kind=MatterKind.ACCUSATION)
    assert accusations.exists()
    for accusation in accusations:
        assert accusation.accused_unit is not None
        assert not accusation.receiving_unit.is_within(accusation.accused_unit)
        assert accusation.receiving_unit.kind == OrgKind.PETITION_OFFICE
    assert accusations.filter(
        receiving_unit__code="JZXFJ", accused_unit__code__startswith="JZD2"
    ).exists()

    every_party_has_one_principal = (
        PetitionPetitioner.objects.filter(role=PetitionerRole.PRINCIPAL)
        .values("petition")
        .annotate(n=Count("id"))
    )
    assert {row["n"] for row in every_party_has_one_principal} == {1}


def test_identities_are_valid(seeded):
    people = list(Petitioner.objects.all())
    with_id = [p for p in people if p.id_number]
    assert len(with_id) > len(people) / 2
    for person in with_id:
        parse_resident_id(person.id_number)  # raises when invalid
        assert 2 <= len(person.name) <= 4
    phones = [p.phone for p in people if p.phone]
    assert phones
    for phone in phones:
        assert normalize_phone(phone) == phone
    assert any("-" in phone for phone in phones)  # some landlines
    assert any(re.fullmatch(r"1[358]\d{9}", phone) for phone in phones)


def test_scenarios(seeded):
    numbers = scenario_numbers()
    assert set(numbers) == set(SCENARIOS)
    petitions = {
        code: list(
            Petition.objects.filter(number__in=found)
            .select_related("receiving_unit", "location_unit", "category", "case")
            .order_by("received_at")
        )
        for code, found in numbers.items()
    }
    for code, scenario in SCENARIOS.items():
        parse_resident_id(scenario.id_number)
        first = petitions[code][0]
        assert first.receiving_unit.code == scenario.receiving_unit, code
        assert first.location_unit.code == scenario.location_unit, code
        assert first.category.code == scenario.category, code
        principal = first.parties.get(role=PetitionerRole.PRINCIPAL).petitioner
        assert (principal.name, principal.id_number) == (scenario.principal, scenario.id_number)

    (s1,) = petitions["S1"]
    assert s1.channel == Channel.VISIT and s1.location_unit.name == "升平社区"
    assert s1.category.name == "环境卫生" and s1.category.parent.name == "城乡建设"
    assert s1.is_first_time and s1.case.status == CaseStatus.EVALUATED

    (s3,) = petitions["S3"]
    assert s3.person_count == 40 and s3.is_group
    assert s3.location_unit.level == OrgLevel.VILLAGE
    assert s3.parties.count() == 5  # the principal and four more representatives
    assert not s3.is_skip_level  # a county matter at the city: the direct superior

    s4 = petitions["S4"]
    assert len(s4) >= 3
    assert any(p.is_skip_level and p.receiving_unit.code == "JNXFJ" for p in s4)
    assert any(p.is_repeat for p in s4)

    # S5: the visits up to the answer's review window attach to one case, which closes when
    # the window lapses; the teachers' group visit after that opens a new case, linked.
    s5 = petitions["S5"]
    first = s5[0].case
    attached = [p for p in s5 if p.case_id == first.pk]
    assert len(attached) >= 4
    assert sum(p.is_repeat for p in attached) == len(attached) - 1
    assert first.status == CaseStatus.CLOSED
    (later,) = [p for p in s5 if p.case_id != first.pk]
    assert not later.is_repeat and later.is_group
    assert later.case.same_matter_as == first and later.case.status == CaseStatus.REGISTERED
    assert timezone.localdate(later.received_at) > first.last_step_on
    assert sum(p.is_group for p in s5) >= 2


def test_plans_are_reproducible():
    now = timezone.localtime(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC))

    def summaries(seed_value: int) -> list[tuple]:
        import random

        rng = random.Random(seed_value)
        planner = VolumePlanner(rng, PersonFactory(rng, now.date()), now)
        return [
            (p.receiving, p.channel, p.received_at, p.summary, p.parties[0].person.id_number)
            for p in planner.plans(40)
        ]

    assert summaries(2026) == summaries(2026)
    assert summaries(2026) != summaries(7)


def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--petitions", "0")


# --- the handling of the cases -------------------------------------------------------------


# One seeding per test is the slow part: each test below checks a group of things.


def test_handling_states_timelines_and_queues(seeded):
    check_every_state_of_handling_is_there()
    check_timelines_run_forward_and_never_into_the_future()
    check_named_accounts_find_work_in_their_queues()
    check_cases_close_when_their_review_window_lapses()
    check_written_notices_are_delivered_as_an_office_does()


def test_scenario_cases(seeded):
    check_s1_is_solved_on_the_day_of_the_visit()
    check_s2_assignment_reported_and_s3_sponsored_by_leader1()
    check_s4_reviewed_by_the_city_rereview_at_the_province()


def test_showcase_cases(seeded):
    check_c1_full_chain_street_district_city_then_terminated()
    check_c2_review_c3_extension_c4_reply_pending_c7_accepted()
    check_command_prints_the_showcase_cases(seeded)


def story_case(code: str, index: int = 0) -> Case:
    """The `index`-th case (oldest first) the principal of scenario/showcase `code` is on."""
    number, _status = story_cases()[code][index]
    return Case.objects.select_related("owner_unit", "answering_unit").get(number=number)


def user(username: str) -> User:
    return User.objects.select_related("org_unit").get(username=username)


def event_kinds(case: Case) -> list[str]:
    """The story's steps, without the written notices' deliveries that fall between them."""
    steps = case.events.exclude(kind=EventKind.NOTICE_DELIVERED)
    return list(steps.values_list("kind", flat=True))


def check_every_state_of_handling_is_there():
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        CaseStatus.REGISTERED,
        CaseStatus.ACCEPTED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.REPLIED,
        CaseStatus.EVALUATED,
        CaseStatus.NOT_ACCEPTED,
        CaseStatus.REVIEW_REQUESTED,
        CaseStatus.REREVIEW_REQUESTED,
        CaseStatus.TERMINATED,
        CaseStatus.CLOSED,
    } <= statuses
    assert set(Assignment.objects.values_list("status", flat=True)) >= {
        AssignmentStatus.ASSIGNED,
        AssignmentStatus.SIGNED,
        AssignmentStatus.REPORTED,
    }
    pending = Approval.objects.filter(status=ApprovalStatus.PENDING)
    assert {ApprovalKind.REPLY, ApprovalKind.EXTENSION} <= set(
        pending.values_list("kind", flat=True)
    )
    assert Evaluation.objects.exists() and Hearing.objects.exists()
    assert Case.objects.filter(sponsoring_leader__username="leader1").exists()


def check_written_notices_are_delivered_as_an_office_does():
    from cases.models import NoticeKind, WrittenNotice

    notices = WrittenNotice.objects.all()
    kinds = set(notices.values_list("kind", flat=True))
    assert {NoticeKind.ACCEPTANCE, NoticeKind.FORWARDED, NoticeKind.REFUSAL} <= kinds
    methods = set(notices.values_list("delivery_method", flat=True))
    assert {"in_person", "post", "sms", "online"} <= methods
    # Delivered within days of their issue; only the last days' still wait.
    waiting = notices.filter(delivered_on__isnull=True)
    assert waiting.count() < notices.count() / 20
    week_ago = timezone.localdate() - datetime.timedelta(days=10)
    assert not waiting.filter(issued_on__lt=week_ago).exists()
    # A petition that came online gets its notices on the portal as they are issued.
    online = notices.filter(delivery_method="online")
    assert online.filter(delivered_on=F("issued_on"), delivered_by__isnull=True).exists()


def check_timelines_run_forward_and_never_into_the_future():
    today = timezone.localdate()
    events = CaseEvent.objects.order_by("case_id", "pk").values_list(
        "case_id", "effective_on", "case__received_at"
    )
    previous: dict[int, datetime.date] = {}
    for case_id, effective_on, received_at in events:
        assert timezone.localdate(received_at) <= effective_on <= today
        assert effective_on >= previous.get(case_id, effective_on)
        previous[case_id] = effective_on
    assert not Case.objects.filter(last_step_on__gt=today).exists()
    # Handling happened: far more events than registrations.
    assert (
        CaseEvent.objects.exclude(
            kind__in=[EventKind.REGISTERED, EventKind.PETITION_ATTACHED]
        ).count()
        > Case.objects.count()
    )


def check_cases_close_when_their_review_window_lapses():
    """The demo's answered cases closed through the closing job, day by day: each on the
    last day of its lapsed window, with one event; no window past its end is left open."""
    today = timezone.localdate()
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert closed.count() >= 10
    assert not Deadline.objects.filter(
        kind__in=[DeadlineKind.REVIEW_REQUEST, DeadlineKind.REREVIEW_REQUEST],
        met_at__isnull=True,
        due_on__lt=today,
    ).exists()
    windows = dict(
        Deadline.objects.filter(case__in=closed, lapsed=True).values_list("case_id", "due_on")
    )
    events = CaseEvent.objects.filter(case__in=closed, kind=EventKind.CLOSED)
    assert events.count() == closed.count() == len(windows)
    for case_id, effective_on in events.values_list("case_id", "effective_on"):
        assert effective_on == windows[case_id] < today
    # A closed case's latest step is its closing, unless the backlog ledger took one on it
    # since (S5's teachers keep coming after their case closed: it is on the ledger).
    on_ledger = set(
        CaseEvent.objects.filter(case__in=closed, kind__startswith="backlog_").values_list(
            "case_id", flat=True
        )
    )
    for case in closed.only("last_step_on"):
        if case.pk in on_ledger:
            assert case.last_step_on >= windows[case.pk]
        else:
            assert case.last_step_on == windows[case.pk]
    # Everyday repeats that came after their case had closed opened a new case, linked to
    # it, which the office did not accept as answered without a review request in time.
    for case in Case.objects.filter(decision_reason=NotAcceptReason.NOT_REVIEWED_IN_TIME):
        assert case.same_matter_as.status == CaseStatus.CLOSED
        assert case.approvals.get().proposal["earlier_case"] == case.same_matter_as.number
    # Every other answered case is still within its window.
    for case in Case.objects.filter(status__in=[CaseStatus.REPLIED, CaseStatus.EVALUATED]):
        assert case.deadlines.get(kind=DeadlineKind.REVIEW_REQUEST, met_at__isnull=True)


def check_named_accounts_find_work_in_their_queues():
    handler1 = my_queue(user=user("handler1"))
    assert story_case("C5") in handler1.to_accept
    (to_sign,) = [a for a in handler1.to_sign if a.case == story_case("C6")]
    assert to_sign.lead_unit.code == "JZD1" and to_sign.assigning_unit.code == "JZXFJ"

    leader1 = my_queue(user=user("leader1"))
    waiting = {(a.case.number, a.kind) for a in leader1.to_approve}
    assert (story_case("C4").number, ApprovalKind.REPLY) in waiting
    assert (story_case("C3").number, ApprovalKind.EXTENSION) in waiting


def check_s1_is_solved_on_the_day_of_the_visit():
    case = story_case("S1")
    received = timezone.localdate(case.received_at)
    assert case.simplified and case.resolved and case.answered_on_time
    steps = case.events.exclude(kind=EventKind.NOTICE_DELIVERED)
    assert set(steps.values_list("effective_on", flat=True)) == {received}
    assert event_kinds(case) == [
        EventKind.REGISTERED,
        EventKind.ACCEPTED,
        EventKind.ASSIGNED,
        EventKind.ASSIGNMENT_SIGNED,
        EventKind.ASSIGNMENT_REPORTED,
        EventKind.REPLY_DRAFTED,
        EventKind.REPLY_APPROVED,
        EventKind.REPLY_DELIVERED,
        EventKind.EVALUATED,
    ]
    assert case.assignments.get().lead_unit.name == "升平社区"
    assert case.evaluations.get().result == "satisfied"


def check_s2_assignment_reported_and_s3_sponsored_by_leader1():
    s2 = story_case("S2")
    assert s2.status == CaseStatus.IN_PROGRESS
    assert s2.assignments.get().status == AssignmentStatus.REPORTED

    s3 = story_case("S3")
    assert s3.status == CaseStatus.IN_PROGRESS
    assert s3.sponsoring_leader.username == "leader1"
    assert s3.sponsor_staff.username == "jzxfj"
    assert s3.sponsor_due_on and s3.sponsor_responsibility  # 四定一包
    assignment = s3.assignments.get()
    assert assignment.status == AssignmentStatus.SIGNED
    assert assignment.lead_unit.code == "JZLYJ"
    assert list(assignment.co_units.values_list("code", flat=True)) == ["JZD3"]


def check_s4_reviewed_by_the_city_rereview_at_the_province():
    county, city, province = (story_case("S4", i) for i in range(3))
    assert county.status == CaseStatus.REREVIEW_REQUESTED
    assert county.answering_unit.code == "JZD3"  # forwarded to the county government
    assert county.sponsoring_leader.username == "jzd3-leader"
    assert county.approvals.get(kind=ApprovalKind.EXTENSION).status == ApprovalStatus.APPROVED
    assert county.petitions.count() == 2  # the letter attached as a repeat
    review = county.reviews.get(level=ReviewLevel.REVIEW)
    rereview = county.reviews.get(level=ReviewLevel.REREVIEW)
    assert (review.unit.code, review.decision) == ("JZ", "uphold")
    assert rereview.unit.code == "JN" and not rereview.decision
    assert rereview.hearings.get().days == 3
    clock = county.deadlines.get(kind=DeadlineKind.REREVIEW)
    assert clock.paused_days == 3 and clock.is_open
    for case in (city, province):  # Art. 19: the lower body is within its time limit
        assert case.status == CaseStatus.NOT_ACCEPTED
        assert case.decision_reason == NotAcceptReason.ACCEPTED_BELOW


def check_c1_full_chain_street_district_city_then_terminated():
    case = story_case("C1")
    assert case.status == CaseStatus.TERMINATED
    assert case.answering_unit.code == "JZD1S1"
    assert case.answering_unit.level == OrgLevel.TOWNSHIP
    units = dict(case.reviews.values_list("level", "unit__code"))
    assert units == {ReviewLevel.REVIEW: "JZD1", ReviewLevel.REREVIEW: "JZ"}
    assert event_kinds(case)[-5:] == [
        EventKind.REVIEW_REQUESTED,
        EventKind.REVIEWED,
        EventKind.REREVIEW_REQUESTED,
        EventKind.REREVIEWED,
        EventKind.TERMINATED,
    ]
    reply = case.replies.get()
    assert reply.status == ReplyStatus.DELIVERED
    document = reply_document(reply)
    assert document.issuing_unit == "升平街道办事处"
    assert "清河区人民政府请求复查" in document.review_notice

    again = story_case("C1", 1)
    assert again.same_matter_as == case
    assert again.status == CaseStatus.NOT_ACCEPTED
    assert again.decision_reason == NotAcceptReason.TERMINATED


def check_c2_review_c3_extension_c4_reply_pending_c7_accepted():
    c2 = story_case("C2")
    assert c2.status == CaseStatus.REVIEW_REQUESTED
    assert c2.reviews.get().unit.code == "JZD2"
    assert c2.deadlines.get(kind=DeadlineKind.REVIEW).due_on > timezone.localdate()

    c3 = story_case("C3")
    extension = c3.approvals.get(kind=ApprovalKind.EXTENSION)
    assert extension.status == ApprovalStatus.PENDING and extension.proposal["days"] == 30

    c4 = story_case("C4")
    assert list(c4.replies.order_by("pk").values_list("status", flat=True)) == [
        ReplyStatus.SENT_BACK,
        ReplyStatus.PENDING_APPROVAL,
    ]
    sent_back = c4.approvals.get(status=ApprovalStatus.SENT_BACK)
    assert sent_back.decided_by.username == "leader1" and sent_back.instruction

    c7 = story_case("C7")
    assert c7.status == CaseStatus.ACCEPTED and c7.accepted_on


def check_command_prints_the_showcase_cases(output: str):
    for code, story in SHOWCASES.items():
        assert f"{code} {story.principal}:" in output
    number = story_case("C1").number
    assert re.search(rf"{number} · \S+", output)
