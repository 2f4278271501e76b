from django.http import Http404
from rest_framework import mixins, serializers, viewsets

from .models import Case
from .selectors import case_detail


class CasePetitionSerializer(serializers.Serializer):
    number = serializers.CharField()
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()


class CaseSerializer(serializers.ModelSerializer):
    acceptance_due = serializers.DateField(read_only=True)
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    petitions = CasePetitionSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = ["number", "status", "matter_kind", "owner_unit", "acceptance_due", "petitions"]


class CaseViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only case skeleton for now: number, status, acceptance due date, petitions."""

    serializer_class = CaseSerializer
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_object(self) -> Case:
        try:
            case = case_detail(user=self.request.user, number=self.kwargs["number"])
        except Case.DoesNotExist:
            raise Http404 from None
        return case

    def get_queryset(self):  # for schema generation only
        return Case.objects.none()
