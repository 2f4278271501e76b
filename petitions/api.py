import json

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import OrgUnit
from cases.fields import CaseNumberField
from cases.models import MatterKind
from core.api_input import JSONParser, SlugRelatedField
from core.identity import (
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from core.limits import LONG_TEXT

from .auditing import record_full_identity_view, record_personal_search
from .filters import PetitionFilter
from .models import Category, Channel, Petition, PetitionerRole
from .selectors import (
    LISTED_FIELDS,
    Match,
    PersonKey,
    category_list,
    may_see_full_identity,
    parties_of,
    petition_detail,
    petition_list,
    repeat_cases,
    with_acceptance_due,
    with_petition_names,
)
from .services import PetitionDraft, PetitionerDraft, petition_register

UNIT_FIELD = {"slug_field": "code", "queryset": OrgUnit.objects.filter(is_active=True)}


class CategorySerializer(serializers.ModelSerializer):
    parent = SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name", "parent"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return category_list()


class PetitionerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, validators=[validate_id_number]
    )
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, validators=[validate_phone]
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=PetitionerRole.choices, default=PetitionerRole.PRINCIPAL)

    def validate_id_number(self, value: str) -> str:
        return normalize_id_number(value) if value else ""

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value) if value else ""


class PetitionerListField(serializers.ListField):
    """A list of petitioners; in a multipart upload it may come as one JSON string."""

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) == 1 and isinstance(data[0], str):
            data = data[0]
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except (ValueError, RecursionError):
                self.fail("not_a_list", input_type="string")
        return super().to_internal_value(data)


class PetitionCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.DateTimeField()
    receiving_unit = SlugRelatedField(required=False, **UNIT_FIELD)
    location_unit = SlugRelatedField(**UNIT_FIELD)
    authority_unit = SlugRelatedField(required=False, **UNIT_FIELD)
    category = SlugRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True))
    matter_kind = serializers.ChoiceField(choices=MatterKind.choices, default=MatterKind.COMPLAINT)
    accused_unit = SlugRelatedField(required=False, allow_null=True, **UNIT_FIELD)
    accused_person = serializers.CharField(max_length=100, required=False, allow_blank=True)
    person_count = serializers.IntegerField(min_value=1, max_value=100000)
    summary = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    demands = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    petitioners = PetitionerListField(
        child=PetitionerInputSerializer(), min_length=1, max_length=200
    )
    case = CaseNumberField()
    is_superior_assigned = serializers.BooleanField(default=False)
    superior_reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=20
    )

    def to_draft(self) -> PetitionDraft:
        data = dict(self.validated_data)
        user = self.context["request"].user
        data.setdefault("receiving_unit", user.org_unit)
        if data["receiving_unit"] is None:
            raise serializers.ValidationError(
                {"receiving_unit": [_("Your account has no unit; name the receiving unit.")]}
            )
        data["petitioners"] = [PetitionerDraft(**p) for p in data["petitioners"]]
        return PetitionDraft(**data)


def _person_out(party, *, full: bool) -> dict:
    id_number = party.petitioner.id_number
    return {
        "name": party.name,
        "role": party.role,
        "id_number": id_number if full else mask_id_number(id_number),
        "phone": party.phone if full else mask_phone(party.phone),
    }


class PetitionListSerializer(serializers.ModelSerializer):
    case = SlugRelatedField(slug_field="number", read_only=True)
    receiving_unit = SlugRelatedField(slug_field="code", read_only=True)
    location_unit = SlugRelatedField(slug_field="code", read_only=True)
    category = SlugRelatedField(slug_field="code", read_only=True)
    petitioners = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [*LISTED_FIELDS, "petitioners"]

    def show_full_identity(self, petition) -> bool:
        return False

    def get_petitioners(self, petition) -> list[dict]:
        full = self.show_full_identity(petition)
        return [_person_out(party, full=full) for party in parties_of(petition)]


class AttachmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class PetitionDetailSerializer(PetitionListSerializer):
    authority_unit = SlugRelatedField(slug_field="code", read_only=True)
    accused_unit = SlugRelatedField(slug_field="code", read_only=True)
    acceptance_due = serializers.DateField(read_only=True, allow_null=True)
    attachments = AttachmentOutSerializer(many=True, read_only=True)

    class Meta(PetitionListSerializer.Meta):
        fields = [
            *PetitionListSerializer.Meta.fields,
            "authority_unit",
            "accused_unit",
            "accused_person",
            "content",
            "demands",
            "is_superior_assigned",
            "superior_reference",
            "acceptance_due",
            "attachments",
        ]

    def show_full_identity(self, petition) -> bool:
        return may_see_full_identity(self.context["request"].user, petition)


class PetitionCreatedSerializer(PetitionDetailSerializer):
    query_code = serializers.CharField(read_only=True)

    class Meta(PetitionDetailSerializer.Meta):
        fields = [*PetitionDetailSerializer.Meta.fields, "query_code"]


class RepeatCaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    summary = serializers.CharField()
    received_at = serializers.DateTimeField()
    last_received_at = serializers.DateTimeField()
    petition_count = serializers.IntegerField()
    acceptance_due = serializers.DateField(allow_null=True)
    is_open = serializers.BooleanField()
    is_terminated = serializers.SerializerMethodField()
    is_closed = serializers.SerializerMethodField()
    match = serializers.ChoiceField(
        choices=Match.choices,
        help_text="certain: found by ID number or phone; possible: by name alone within the "
        "location's area, for the clerk to confirm (it does not make a petition not first-time).",
    )

    def get_is_terminated(self, case) -> bool:
        return case.status == "terminated"

    def get_is_closed(self, case) -> bool:
        return case.status == "closed"


class RepeatCheckQuerySerializer(serializers.Serializer):
    id_number = serializers.CharField(
        required=False, allow_blank=True, validators=[validate_id_number]
    )
    phone = serializers.CharField(required=False, allow_blank=True, validators=[validate_phone])
    name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    location_unit = SlugRelatedField(required=False, **UNIT_FIELD)

    def validate(self, attrs):
        if not any(attrs.get(key) for key in ("id_number", "phone", "name")):
            raise serializers.ValidationError(_("Give an ID number, a phone or a name."))
        return attrs


class PetitionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Petitions in the caller's scope. Lists mask ID numbers and phones; the detail shows them
    in full only to users of the unit that owns the case."""

    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    filterset_class = PetitionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Petition.objects.none()
        return petition_list(user=self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            with_petition_names(page)
        return page

    def get_serializer_class(self):
        if self.action == "create":
            return PetitionCreateSerializer
        if self.action == "retrieve":
            return PetitionDetailSerializer
        return PetitionListSerializer

    def get_object(self):
        try:
            return petition_detail(user=self.request.user, number=self.kwargs["number"])
        except Petition.DoesNotExist:
            raise Http404 from None

    def retrieve(self, request, *args, **kwargs):
        petition = self.get_object()
        if may_see_full_identity(request.user, petition):
            record_full_identity_view(request, petition, via="api")
        return Response(self.get_serializer(petition).data)

    @extend_schema(request=PetitionCreateSerializer, responses={201: PetitionCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PetitionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # The answer is built before the commit, from the objects just written (no query
        # reads them back): the one-time query code is in it, and nothing after the commit
        # can turn it into an error. The view of the full identity is recorded in the same
        # transaction, which any error ends (so the registration needs no savepoint in it).
        with transaction.atomic():
            registration = petition_register(
                actor=request.user, draft=serializer.to_draft(), savepoint=False
            )
            petition = with_acceptance_due(registration.petition)
            petition.query_code = registration.query_code
            if may_see_full_identity(request.user, petition):
                record_full_identity_view(request, petition, via="api")
            data = PetitionCreatedSerializer(petition, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[RepeatCheckQuerySerializer],
        responses={200: RepeatCaseSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], url_path="repeat-check", pagination_class=None)
    def repeat_check(self, request):
        """Earlier cases of one petitioner: by ID number, else phone (`match` certain), and by
        name within the location's area, or anywhere without one (`match` possible)."""
        query = RepeatCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        person = PersonKey(
            name=data.get("name", ""),
            id_number=data.get("id_number", ""),
            phone=data.get("phone", ""),
        )
        record_personal_search(request, [person], via="api")
        cases = repeat_cases(user=request.user, people=[person], location=data.get("location_unit"))
        return Response(RepeatCaseSerializer(cases, many=True).data)
