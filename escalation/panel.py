"""The escalation panel on the case detail page (registered in `EscalationConfig.ready`):
the case's supervision notices, consultations and joint supervisions, and what the user may
start on it. A fragment, loaded by htmx; 404 for a case the user may not see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.pages import case_or_404
from core.pages import DaysLeft

from .models import Consultation, JointStatus, JointSupervision
from .notices.documents import notice_title
from .notices.selectors import case_notices
from .permissions import can_issue_notice, can_run_consultation, can_run_joint_supervision


@login_required
@require_GET
def case_panel_view(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    user = request.user
    today = timezone.localdate()
    notices = [
        {
            "notice": notice,
            "title": notice_title(notice),
            "days_left": DaysLeft.until(notice.due_on, today) if notice.is_open else None,
        }
        for notice in case_notices(case)
    ]
    consultations = list(Consultation.objects.filter(case=case).order_by("level"))
    joints = list(JointSupervision.objects.filter(case=case).order_by("-opened_on", "-pk"))
    # The user's own unit is in their scope: this asks "a supervisor who sees the case".
    may_issue = user.org_unit_id is not None and can_issue_notice(user, case, user.org_unit)
    context = {
        "case": case,
        "notices": notices,
        "consultations": consultations,
        "joints": joints,
        "may_issue": may_issue,
        # As `joint_supervision_open` refuses: a case no longer open, or already supervised.
        "may_open_joint": case.is_open
        and not any(j.status == JointStatus.OPEN for j in joints)
        and can_run_joint_supervision(user, case),
        "may_consult": can_run_consultation(user, case),
    }
    return render(request, "escalation/_case_panel.html", context)


urlpatterns: list = [
    path("cases/<str:number>/panel/", case_panel_view, name="case_panel"),
]
