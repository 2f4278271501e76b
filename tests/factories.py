"""Test data builders (factory_boy) and helpers for valid identities and registrations.

- `OrgUnitFactory`, `UserFactory(roles=["reception"])`, `CategoryFactory`;
  `category(code)` returns a category seeded by the data migration (e.g. "0301" 拖欠工资).
- `make_id_number(...)` and `make_phone()` give valid, random resident ID numbers and mobiles.
- `petitioner(...)` builds a `PetitionerDraft` with a valid identity.
- `register_petition(actor, **overrides)` registers a valid petition through the real service
  (`petitions.services.petition_register`) and returns its `Registration`.
- `deliver(case, handler, leader, on=...)` takes a case through to its delivered reply.

Every user made here has the password `PASSWORD`.
"""

from __future__ import annotations

import datetime
import io
import os
import random

import factory
from django.contrib.auth.models import Group
from django.db.models import Count, Max
from django.utils import timezone
from factory.django import DjangoModelFactory
from faker import Faker

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from cases import services as case_services
from cases.models import ApprovalStatus, AssignmentStatus, Case, MatterKind
from core.identity import id_check_character
from petitions.models import Category, Channel, PetitionerRole
from petitions.services import PetitionDraft, PetitionerDraft, Registration, petition_register

PASSWORD = "test-pass-2026"
DEFAULT_CATEGORY = "0301"  # 劳动和社会保障 › 拖欠工资 (seeded by petitions/migrations/0002)

_fake = Faker("zh_CN")


# --- identities ---------------------------------------------------------------------------


def make_id_number(
    birth: datetime.date | None = None,
    female: bool | None = None,
    region: str = "110105",
    sequence: int | None = None,
) -> str:
    """A valid 18-character resident ID number (GB 11643) with the MOD 11-2 check character.

    The 17th digit carries the sex (odd: male, even: female); `sequence` (0-99) fixes the two
    digits before it, otherwise they are random."""
    if birth is None:
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=random.randrange(25000))
    if female is None:
        female = random.choice([True, False])
    if sequence is None:
        sequence = random.randrange(100)
    sex_digit = random.choice("02468" if female else "13579")
    first17 = f"{region}{birth:%Y%m%d}{sequence:02d}{sex_digit}"
    return first17 + id_check_character(first17)


def make_phone() -> str:
    """A valid mainland mobile number (11 digits)."""
    return f"1{random.choice('3456789')}{random.randrange(10**9):09d}"


def make_name() -> str:
    return _fake.name()


# --- factories ----------------------------------------------------------------------------


class OrgUnitFactory(DjangoModelFactory):
    """A unit; defaults to a district-level government unit without a parent."""

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.LazyAttribute(lambda unit: f"测试单位{unit.code}")
    parent = None
    level = OrgLevel.DISTRICT
    kind = OrgKind.GOVERNMENT


class UserFactory(DjangoModelFactory):
    """A staff user in a unit, password `PASSWORD`; `roles=["handler", ...]` adds the role
    groups (created by accounts/migrations/0002_roles)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Faker("last_name", locale="zh_CN")
    first_name = factory.Faker("first_name", locale="zh_CN")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    org_unit = factory.SubFactory(OrgUnitFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        names = list(extracted)
        groups = list(Group.objects.filter(name__in=names))
        missing = set(names) - {group.name for group in groups}
        if missing:
            raise ValueError(f"Unknown roles: {sorted(missing)}")
        self.groups.add(*groups)
        self.__dict__.pop("roles", None)  # User.roles is a cached_property


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.LazyAttribute(lambda category: f"测试分类{category.code}")
    parent = None


def category(code: str = DEFAULT_CATEGORY) -> Category:
    """A category seeded by the data migration, by code."""
    return Category.objects.get(code=code)


# --- registration -------------------------------------------------------------------------


def petitioner(
    role: str = PetitionerRole.PRINCIPAL,
    *,
    name: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    address: str = "",
) -> PetitionerDraft:
    """A petitioner with a random name, a valid ID number and a mobile; pass "" for
    `id_number` or `phone` to leave them out."""
    return PetitionerDraft(
        name=make_name() if name is None else name,
        role=role,
        id_number=make_id_number() if id_number is None else id_number,
        phone=make_phone() if phone is None else phone,
        address=address,
    )


def group_petitioners(count: int, representatives: int = 0) -> list[PetitionerDraft]:
    """One principal, then `representatives` representatives, then members up to `count`."""
    people = [petitioner()]
    people += [petitioner(PetitionerRole.REPRESENTATIVE) for _ in range(representatives)]
    people += [petitioner(PetitionerRole.MEMBER) for _ in range(count - len(people))]
    return people


def _unit(value: OrgUnit | str | None) -> OrgUnit | None:
    if isinstance(value, str):
        return OrgUnit.objects.get(code=value)
    return value


def petition_draft(actor: User, **overrides) -> PetitionDraft:
    """A valid `PetitionDraft` for `actor`: a complaint visit received an hour ago at the
    actor's unit, about that unit's own area, by one petitioner.

    Units may be given as objects or codes, `category` as an object or code, `petitioners`
    as `PetitionerDraft`s or dicts. `person_count` defaults to the number of petitioners."""
    for key in ("receiving_unit", "location_unit", "authority_unit", "accused_unit"):
        if key in overrides:
            overrides[key] = _unit(overrides[key])
    if isinstance(overrides.get("category"), str):
        overrides["category"] = category(overrides["category"])
    people = overrides.pop("petitioners", None)
    if people is None:
        people = [petitioner()]
    people = [PetitionerDraft(**p) if isinstance(p, dict) else p for p in people]
    receiving_unit = overrides.pop("receiving_unit", None) or actor.org_unit
    values = {
        "channel": Channel.VISIT,
        "received_at": timezone.now() - datetime.timedelta(hours=1),
        "receiving_unit": receiving_unit,
        "location_unit": receiving_unit,
        "category": category(),
        "matter_kind": MatterKind.COMPLAINT,
        "person_count": len(people),
        "summary": "反映拖欠工资问题",
        "content": "信访人反映某公司拖欠其工资三个月，要求督促支付。",
        "petitioners": people,
    }
    values.update(overrides)
    return PetitionDraft(**values)


def register_petition(actor: User, **overrides) -> Registration:
    """Register a valid petition (see `petition_draft` for the defaults and overrides)."""
    return petition_register(actor=actor, draft=petition_draft(actor, **overrides))


# --- what a refused request must leave untouched --------------------------------------------


def deliver(case: Case, handler: User, leader: User, *, on, report_by=None, instruction=""):
    """Report open assignments, draft, approve (with `instruction`) and deliver a reply on
    `on`."""
    for assignment in case.assignments.filter(status=AssignmentStatus.ASSIGNED):
        case_services.assignment_sign(actor=report_by, assignment=assignment, on=on)
        case_services.assignment_report(
            actor=report_by, assignment=assignment, report="办结", on=on
        )
    case_services.reply_draft(
        actor=handler,
        case=case,
        request="诉求",
        facts_and_reasons="事实",
        opinion="explain",
        legal_basis="依据",
        on=on,
    )
    approval = case.approvals.get(status=ApprovalStatus.PENDING)
    case_services.approval_decide(
        actor=leader, approval=approval, approve=True, instruction=instruction, on=on
    )
    case_services.reply_deliver(actor=handler, case=case, method="post", on=on)
    case.refresh_from_db()
    return case


def written_snapshot(media_root: str) -> dict:
    """Row counts of every table registration writes, plus the files under `media_root`:
    equal before and after a refused registration, or something was half-written."""
    from cases.models import Case, CaseEvent, Deadline
    from petitions.models import (
        Attachment,
        NumberSequence,
        Petition,
        Petitioner,
        PetitionPetitioner,
    )

    models = (
        Petition, Case, Petitioner, PetitionPetitioner, Deadline, CaseEvent, Attachment,
        NumberSequence,
    )  # fmt: skip
    counts = {model.__name__: model.objects.count() for model in models}
    files = []
    for directory, _dirs, names in os.walk(media_root):
        files += [os.path.join(directory, name) for name in names]
    counts["media files"] = sorted(files)
    return counts


# --- attachment contents ----------------------------------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    """A small file that is a PDF by its content (header and trailer); `padding` bytes more."""
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"%" * padding + b"\n%%EOF\n"


def png_bytes() -> bytes:
    """A real 8x8 PNG image."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- API clients --------------------------------------------------------------------------


def token_client(user: User, **defaults):
    """An APIClient that sends `user`'s API token in the `Authorization` header, as a real
    client does (not `force_authenticate`, which only the API's views honour). The token is
    issued by the service the token endpoint uses (the endpoint itself is throttled per
    address, and tested in tests/accounts)."""
    from rest_framework.test import APIClient

    from accounts.tokens.services import api_token_issue

    _instance, token = api_token_issue(user=user)
    client = APIClient(**defaults)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def recount_petitions(*cases: Case) -> None:
    """Set the petition facts stored on each case (`petition_count`, `last_received_at`) from
    its petitions, as the services keep them: for tests that write petitions directly."""
    for case in cases:
        facts = case.petitions.aggregate(count=Count("pk"), last=Max("received_at"))
        Case.objects.filter(pk=case.pk).update(
            petition_count=facts["count"], last_received_at=facts["last"]
        )
        case.petition_count, case.last_received_at = facts["count"], facts["last"]


def set_owner(cases, unit) -> None:
    """Give `cases` (a queryset) to `unit` straight in the table, as a wrong forward would
    leave them, with the units that see them kept as the services keep them."""
    from cases.services.reach import reach_refresh

    ids = list(cases.values_list("pk", flat=True))
    cases.update(owner_unit=unit)
    reach_refresh(ids)


# --- what a unit picker offers ----------------------------------------------------------------


def picker_offers(client, page: str, name: str, q: str = "") -> list[dict]:
    """The units the picker of field `name` on `page` offers (its search, as the page's
    script asks it): the units render only once chosen (`accounts.pickers`)."""
    import html
    import re

    tag = re.search(rf'<select name="{name}"[^>]*>', page).group(0)
    url = html.unescape(re.search(r'data-unit-search="([^"]+)"', tag).group(1))
    from urllib.parse import urlencode

    response = client.get(f"{url}&{urlencode({'q': q, 'limit': 50})}")
    assert response.status_code == 200, response.content
    return response.json()
