"""Fields other apps' serializers use to name a case."""

from rest_framework import serializers

from .models import Case
from .selectors import case_numbered


class CaseNumberField(serializers.CharField):
    """A case in the caller's scope, by its number; blank for none."""

    def __init__(self, **kwargs):
        super().__init__(max_length=40, required=False, allow_blank=True, **kwargs)

    def run_validation(self, data=serializers.empty) -> Case | None:
        return case_numbered(self.context["request"].user, super().run_validation(data))
