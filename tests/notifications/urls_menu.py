"""URL conf for the navbar tests: the project's URLs with a stand-in `escalation` namespace
holding the three pages of the escalation menu (`urlpatterns`), or none of them
(`without_menu`, used by `urls_no_menu`)."""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from config import urls as project


def _page(request):
    return HttpResponse("")


def _with(escalation_patterns):
    kept = [
        pattern
        for pattern in project.urlpatterns
        if not (isinstance(pattern, URLResolver) and pattern.namespace == "escalation")
    ]
    return [*kept, path("escalation/", include((escalation_patterns, "escalation")))]


urlpatterns = _with(
    [
        path("notices/", _page, name="notice_list"),
        path("joint/", _page, name="joint_board"),
        path("rankings/", _page, name="ranking_report"),
    ]
)
without_menu = _with([path("other/", _page, name="other")])
