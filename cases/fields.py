"""Fields other apps' serializers use to name a case."""

from rest_framework import serializers

from .models import Case
from .selectors import case_numbered


class CaseNumberField(serializers.CharField):
    """A case in the caller's scope, by its number; blank for none, unless `required`."""

    def __init__(self, *, required: bool = False, **kwargs):
        super().__init__(max_length=40, required=required, allow_blank=not required, **kwargs)

    def run_validation(self, data=serializers.empty) -> Case | None:
        return case_numbered(self.context["request"].user, super().run_validation(data))
