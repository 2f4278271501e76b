"""Follow the matter: the lookup with its lock, one path for the API and the page."""

from __future__ import annotations

from cases.models import Case
from cases.services import evaluation_record_online, review_request_online
from petitions.services import query_code_renew

from . import lockout
from .selectors import PublicMatter, petition_by_code, public_view


class Locked(Exception):
    """The number's lookup is locked for `seconds` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def query_matter(number: str, code: str) -> PublicMatter | None:
    """The public view of `number` for `code`, or None for a wrong pair (a wrong code and an
    unknown number alike, each counted towards the number's lock). Raises Locked while the
    number is locked, whatever the code."""
    seconds = lockout.locked_for(number)
    if seconds:
        raise Locked(seconds)
    matter = public_view(number, code)
    if matter is None:
        lockout.record_failure(number)
        return None
    lockout.clear_failures(number)
    return matter


def _case_for(number: str, code: str) -> Case | None:
    """The case of petition `number` if `code` is its query code, under the same lock and
    failure count as `query_matter` (None for a wrong pair; Locked while locked)."""
    seconds = lockout.locked_for(number)
    if seconds:
        raise Locked(seconds)
    petition = petition_by_code(number, code)
    if petition is None or petition.case_id is None:
        lockout.record_failure(number)
        return None
    lockout.clear_failures(number)
    return petition.case


def evaluate_matter(number: str, code: str, result: str, comment: str):
    """Rate the answer of `number` for `code`. Returns the Evaluation, or None for a wrong
    pair; raises Locked while the number is locked, and the service's Conflict /
    ValidationError."""
    case = _case_for(number, code)
    if case is None:
        return None
    return evaluation_record_online(case=case, result=result, comment=comment)


def request_review(number: str, code: str, request: str):
    """Ask for the review (or, after it, the re-review) of `number`'s answer for `code`.
    Returns the Review, or None for a wrong pair; raises Locked while the number is locked,
    and the service's Conflict / ValidationError."""
    case = _case_for(number, code)
    if case is None:
        return None
    return review_request_online(case=case, request=request)


def renew_code(number: str, phone: str) -> bool:
    """Text a new query code for petition `number` to `phone` if it is a mobile registered
    with it. False once the number's renewals for the day are used up (counted whether the
    number exists and the phone matches or not); else True whatever happened, so that the
    answer tells nothing about the number or the phone."""
    if not lockout.renewal_allowed(number):
        return False
    query_code_renew(number=number, phone=phone)
    return True
