from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import OrgUnitViewSet
from accounts.tokens.api import LogoutAllView, LogoutView, TokenObtainView, TokenViewSet
from cases.api import ApprovalViewSet, AssignmentViewSet, CaseViewSet, WrittenNoticeViewSet
from dashboards.api import StatsSummaryView
from escalation.consultations import api as consultations
from escalation.joint import api as joint
from escalation.notices import api as notices
from escalation.ranking import api as rankings
from ledgers.backlog import api as backlog
from ledgers.screening import api as screening
from ledgers.suggestions import api as suggestions
from ledgers.targets import api as targets
from ledgers.urgent import api as urgent
from notifications.api import NotificationViewSet
from petitions.api import CategoryViewSet, PetitionViewSet
from portal.api import (
    PublicEvaluateView,
    PublicLostCodeView,
    PublicQueryView,
    PublicReviewRequestView,
    PublicSmsCodeView,
    PublicSubmitView,
    PublicUnitSearchView,
)
from reception.appointments import api as reception_appointments
from reception.notices import api as reception_notices
from reception.records import api as reception_records
from reception.schedules import api as reception_schedules
from reception.visits import api as reception_visits

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("categories", CategoryViewSet, basename="category")
router.register("petitions", PetitionViewSet, basename="petition")
router.register("cases", CaseViewSet, basename="case")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("written-notices", WrittenNoticeViewSet, basename="written-notice")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("auth/tokens", TokenViewSet, basename="api-token-own")
for module in (
    joint,
    consultations,
    notices,
    rankings,
    reception_schedules,
    reception_appointments,
    reception_notices,
    reception_records,
    reception_visits,
    screening,
    urgent,
    backlog,
    targets,
    suggestions,
):
    for prefix, viewset, basename in module.routes:
        router.register(prefix, viewset, basename=basename)

api_urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="api-logout-all"),
    path("stats/summary/", StatsSummaryView.as_view(), name="stats-summary"),
    path("public/query/", PublicQueryView.as_view(), name="public-query"),
    path("public/evaluate/", PublicEvaluateView.as_view(), name="public-evaluate"),
    path("public/review-request/", PublicReviewRequestView.as_view(), name="public-review-request"),
    path("public/query-codes/", PublicLostCodeView.as_view(), name="public-query-code-renew"),
    path("public/sms-codes/", PublicSmsCodeView.as_view(), name="public-sms-codes"),
    path("public/petitions/", PublicSubmitView.as_view(), name="public-petitions"),
    path("public/units/", PublicUnitSearchView.as_view(), name="public-units"),
    path("", include(router.urls)),
]
