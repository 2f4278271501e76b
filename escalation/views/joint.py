"""Pages: five-party joint supervision (stub: replaced by the joint supervision work; keep
the URL names)."""

from django.http import Http404
from django.urls import path


def joint_detail_view(request, pk):
    raise Http404


urlpatterns: list = [
    path("joint/<int:pk>/", joint_detail_view, name="joint_detail"),
]
