"""The API lists' pagination: counts capped as the pages' are (`core.pages.CappedPaginator`)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .pages import CappedPaginator


class CappedPagination(PageNumberPagination):
    """Every API list's pages: `count` exact up to `COUNT_CAP` rows, past it the cap with
    `count_capped` true (`CappedPaginator`)."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        assert self.page is not None  # paginate_queryset ran
        paginator = self.page.paginator
        assert isinstance(paginator, CappedPaginator)
        return Response(
            {
                "count": paginator.shown_count,
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when there are more rows than `count` says (it stops at the cap).",
        }
        paginated["required"] = [*paginated.get("required", []), "count_capped"]
        return paginated
