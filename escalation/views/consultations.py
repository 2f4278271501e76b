"""Pages: four-level consultation (stub: replaced by the consultation work; keep the URL
names)."""

from django.http import Http404
from django.urls import path


def case_consultations_view(request, number):
    raise Http404


urlpatterns: list = [
    path("cases/<str:number>/consultations/", case_consultations_view, name="case_consultations"),
]
