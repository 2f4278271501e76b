"""The case page's sections kept in the shared cache (`core.caching`), and what drops them.

The page's sections (petitions, clocks, assignments … timeline) and the list of actions the
user may take are built from the case, its rows and reference data (unit, category and
people's names). They are cached under a key made of the case, its `updated_at`, the case's
stamp, the stamp of all case pages, the day (days left), the language and the user with
their roles and unit (actions, "decide" links): nothing is ever served to another user.

Every save or delete of a row the sections show bumps a stamp through model signals: the
case's own stamp for its rows, the stamp of all case pages for reference data or a row whose
case is not at hand. Writes that bypass signals (`QuerySet.update`, `bulk_create`,
`bulk_update`) call `case_pages_changed()` themselves. Nothing is cached, and no signal does
anything, unless the cache is shared by every process (`core.caching.shared`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from accounts.models import User
from core import caching

from .models import (
    Approval,
    Assignment,
    Case,
    CaseEvent,
    Deadline,
    Document,
    Evaluation,
    Hearing,
    Reply,
    Review,
    WrittenNotice,
)

ALL_CASES = "case-pages"
# A section unread for this long is dropped even if nothing bumped it.
TIMEOUT = 15 * 60


def _case_stamp(case_id: int) -> str:
    return f"case-page:{case_id}"


def case_changed(case_id: int | None) -> None:
    """Drop the cached sections of one case (all of them if `case_id` is unknown)."""
    if caching.shared():
        caching.bump_around_commit(_case_stamp(case_id) if case_id else ALL_CASES)


def case_pages_changed() -> None:
    """Drop the cached sections of every case (reference data changed, or a bulk write)."""
    if caching.shared():
        caching.bump_around_commit(ALL_CASES)


def section_key(case: Case, user: User, today: datetime.date) -> str:
    roles = ",".join(sorted(user.roles))
    return ":".join(
        [
            "case-sections",
            str(case.pk),
            case.updated_at.isoformat() if case.updated_at else "",
            caching.stamps(_case_stamp(case.pk), ALL_CASES),
            today.isoformat(),
            translation.get_language() or "",
            str(user.pk),
            str(user.org_unit_id or ""),
            roles,
        ]
    )


def cached_sections(
    case: Case, user: User, today: datetime.date, build: Callable[[], dict[str, str]]
) -> dict[str, str]:
    """The rendered sections of `case` for `user` today: from the cache, else `build()` (and
    kept when the cache is shared)."""
    if not caching.shared():
        return build()
    key = section_key(case, user, today)
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, TIMEOUT)
    return found


# --- what drops them ------------------------------------------------------------------------


def _cached_related(instance, name: str):
    """The related object `name` if the instance already holds it (no query)."""
    return instance._state.fields_cache.get(name)


def _row_changed(sender, instance, **kwargs) -> None:
    case_changed(getattr(instance, "case_id", None))


def _case_saved(sender, instance, **kwargs) -> None:
    case_changed(instance.pk)


def _hearing_changed(sender, instance, **kwargs) -> None:
    review = _cached_related(instance, "review")
    case_changed(review.case_id if review is not None else None)


def _co_units_changed(sender, instance, pk_set=None, action="", **kwargs) -> None:
    if action.startswith("post_"):
        case_changed(instance.case_id if isinstance(instance, Assignment) else None)


def _petition_saved(sender, instance, created=False, **kwargs) -> None:
    # A petition moved to another case leaves its former case's page: drop them all.
    case_changed(instance.case_id if created else None)


def _party_changed(sender, instance, **kwargs) -> None:
    petition = _cached_related(instance, "petition")
    case_changed(petition.case_id if petition is not None else None)


def _person_saved(sender, instance, created=False, **kwargs) -> None:
    # A new person is on no page yet (the party row linking them bumps its case).
    if not created:
        case_pages_changed()


def _reference_changed(sender, instance, **kwargs) -> None:
    case_pages_changed()


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # Every login saves last_login: no name changes there.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    case_pages_changed()


def connect() -> None:
    """Connect the receivers (from `CasesConfig.ready`). Models of apps above `cases` are
    named, not imported."""
    for model in (
        Deadline,
        CaseEvent,
        WrittenNotice,
        Assignment,
        Document,
        Reply,
        Approval,
        Evaluation,
        Review,
    ):
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"sections-s-{model.__name__}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"sections-d-{model.__name__}")
    connect = _connector()
    connect(post_save, _case_saved, Case)
    connect(post_delete, _case_saved, Case)
    for signal in (post_save, post_delete):
        connect(signal, _hearing_changed, Hearing)
        connect(signal, _party_changed, "petitions.PetitionPetitioner")
        for name in ("accounts.OrgUnit", "petitions.Category", "cases.DeadlineRule"):
            connect(signal, _reference_changed, name)
    connect(m2m_changed, _co_units_changed, Assignment.co_units.through)
    connect(post_save, _petition_saved, "petitions.Petition")
    connect(post_delete, _reference_changed, "petitions.Petition")
    connect(post_save, _person_saved, "petitions.Petitioner")
    connect(post_save, _user_saved, User)


def _connector():
    count = iter(range(1000))

    def connect(signal, receiver, sender) -> None:
        signal.connect(receiver, sender=sender, dispatch_uid=f"case-sections-{next(count)}")

    return connect
