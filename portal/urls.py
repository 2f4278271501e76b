from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("query/", views.query, name="query"),
    path("submit/", views.submit_petition, name="submit"),
    path("evaluate/", views.evaluate, name="evaluate"),
    path("review-request/", views.review_request, name="review_request"),
    path("lost-code/", views.lost_code, name="lost_code"),
    path("documents/<str:token>/", views.document, name="document"),
    path("display/", views.display, name="display"),
]
