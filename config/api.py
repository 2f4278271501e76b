from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

from accounts.api import OrgUnitViewSet
from cases.api import ApprovalViewSet, AssignmentViewSet, CaseViewSet
from dashboards.api import StatsSummaryView
from escalation.api import consultations, joint, notices, rankings
from notifications.api import NotificationViewSet
from petitions.api import CategoryViewSet, PetitionViewSet
from reception.api import appointments as reception_appointments
from reception.api import notices as reception_notices
from reception.api import records as reception_records
from reception.api import schedules as reception_schedules
from reception.api import visits as reception_visits

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("categories", CategoryViewSet, basename="category")
router.register("petitions", PetitionViewSet, basename="petition")
router.register("cases", CaseViewSet, basename="case")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("notifications", NotificationViewSet, basename="notification")
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
):
    for prefix, viewset, basename in module.routes:
        router.register(prefix, viewset, basename=basename)

api_urlpatterns = [
    # The project's parsers (JSON with its depth limit), not the view's own plain ones.
    path(
        "auth/token/",
        ObtainAuthToken.as_view(parser_classes=api_settings.DEFAULT_PARSER_CLASSES),
        name="api-token",
    ),
    path("stats/summary/", StatsSummaryView.as_view(), name="stats-summary"),
    path("", include(router.urls)),
]
