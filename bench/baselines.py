"""The bare views `manage.py bench` measures ours against, and the URLconf it runs under:
these two in front of the project's own URLs."""

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

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


def create_table() -> None:
    key = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (id {key} PRIMARY KEY, payload TEXT)")


urlpatterns = [
    path("bench/one-query/", one_query_view),
    path("bench/three-inserts/", three_insert_view),
    path("", include("config.urls")),
]
