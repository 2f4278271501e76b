"""Pages: supervision notices (stub: replaced by the notices work; keep the URL names)."""

from django.http import Http404
from django.urls import path


def notice_detail_view(request, pk):
    raise Http404


urlpatterns: list = [
    path("notices/<int:pk>/", notice_detail_view, name="notice_detail"),
]
