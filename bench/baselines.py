"""The bare views `manage.py bench` measures ours against, and the URLconf the bench's
gunicorn serves (`bench.wsgi`): these in front of the project's own URLs. They pass
through the same middleware as ours; only the view is bare.

- bare intake (`three_insert_view`): three INSERTs in one transaction, as a registration's
  petition, case and event rows.
- bare detail (`bare_detail_view`): one SELECT of a real case by its number, rendered by a
  small template.
"""

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from cases.models import Case

# The table the three-insert baseline writes to; `bench` creates it in its throwaway database.
TABLE = "bench_rows"


def one_query_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok")


@csrf_exempt
def three_insert_view(request):
    with transaction.atomic(), connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(f"INSERT INTO {TABLE} (payload) VALUES (%s)", [request.body[:50]])
    return JsonResponse({"ok": True}, status=201)


def bare_detail_view(request, number: str):
    case = Case.objects.only("number", "status", "received_at").get(number=number)
    return render(request, "bench/detail.html", {"case": case})


def create_table() -> None:
    key = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (id {key} PRIMARY KEY, payload TEXT)")


urlpatterns = [
    path("bench/one-query/", one_query_view),
    path("bench/three-inserts/", three_insert_view),
    path("bench/detail/<str:number>/", bare_detail_view),
    path("", include("config.urls")),
]
