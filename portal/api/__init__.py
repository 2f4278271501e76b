"""The public portal's API under `/api/v1/public/` (no login): following a matter (`matter`)
and submitting one online (`submit`)."""

from .matter import (
    PublicEvaluateView,
    PublicLostCodeView,
    PublicQueryView,
    PublicReviewRequestView,
)
from .submit import PublicSmsCodeView, PublicSubmitView, PublicUnitSearchView

__all__ = [
    "PublicEvaluateView",
    "PublicLostCodeView",
    "PublicQueryView",
    "PublicReviewRequestView",
    "PublicSmsCodeView",
    "PublicSubmitView",
    "PublicUnitSearchView",
]
