"""API: the backlog ledger (积案台账), issue 17 §2.

- `GET /api/v1/backlog-entries/` the ledger the caller sees (filters as on its page: `area`,
  `status`, `overdue`, `group`, `sponsored`, `sponsor`, `placed_from`/`placed_to`,
  `ended_from`/`ended_to`, `on_ledger_from`/`on_ledger_to`, `q`); `GET …/{id}/` one entry
  with its progress reports.
- `POST /api/v1/backlog-entries/` puts a case on the ledger (supervisors): the assignment
  sheet `{case, lead_unit, sponsoring_leader?, responsible_persons, plan, due, reason?, date?}`.
- `POST …/{id}/progress/` `{text, date?}` (the lead unit or the sponsor); `…/sponsor/`
  `{sponsoring_leader}`, `…/extend/` `{due, reason}` and `…/outcome/` `{outcome, note,
  date?}` (a supervisor of the area).

Errors: 400 `{field: [messages]}`, 403 wrong role or unit, 404 outside the caller's scope,
409 a step the entry's state refuses (a case already on the ledger, an entry off it, a
second extension)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import OrgUnit, User
from accounts.selectors import units_visible_to
from cases.fields import CaseNumberField
from core.api_input import JSONParser, SlugRelatedField
from core.exceptions import NotAllowed
from core.limits import LONG_TEXT
from core.rest import BackEntryInput, ScopedViewSet, create_action, row_action

from ..models import BACKLOG_OUTCOMES, BacklogEntry, BacklogProgress, BacklogStatus
from ..permissions import can_place_on_backlog
from .filters import BacklogFilter
from .selectors import entry_detail, entry_list, sponsor_choices
from .services import backlog_end, backlog_extend, backlog_place, backlog_progress, backlog_sponsor


def _leader_field(**kwargs) -> SlugRelatedField:
    return SlugRelatedField(
        slug_field="username",
        queryset=User.objects.none(),
        help_text=_("A leader's user name: of a unit in the caller's area or above it."),
        **kwargs,
    )


class BacklogLeaderInput(serializers.Serializer):
    """Gives `sponsoring_leader` the caller's choice of leaders."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["sponsoring_leader"].queryset = sponsor_choices(request.user)
        return fields


class BacklogPlaceSerializer(BacklogLeaderInput):
    case = CaseNumberField(required=True, help_text=_("The case number."))
    lead_unit = SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.none())
    sponsoring_leader = _leader_field(required=False, allow_null=True)
    responsible_persons = serializers.CharField(max_length=200)
    plan = serializers.CharField(max_length=LONG_TEXT)
    due = serializers.DateField(help_text=_("The time limit (定时限)."))
    reason = serializers.CharField(
        max_length=LONG_TEXT,
        required=False,
        allow_blank=True,
        help_text=_(
            "Why it goes on the ledger; required for a case not a backlog case by the rule."
        ),
    )
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The day of a paper sheet entered later; empty: today."),
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["lead_unit"].queryset = units_visible_to(request.user).filter(is_active=True)
        return fields

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["due_on"] = data.pop("due")
        data["on"] = data.pop("date", None)
        data.setdefault("sponsoring_leader", None)
        return data


class BacklogProgressSerializer(BackEntryInput):
    text = serializers.CharField(max_length=LONG_TEXT)
    date = serializers.DateField(
        required=False, allow_null=True, help_text=_("The day reported; empty: today.")
    )


class BacklogSponsorSerializer(BacklogLeaderInput):
    sponsoring_leader = _leader_field()

    def service_kwargs(self) -> dict:
        return {"leader": self.validated_data["sponsoring_leader"]}


class BacklogExtendSerializer(serializers.Serializer):
    due = serializers.DateField(help_text=_("The new time limit."))
    reason = serializers.CharField(max_length=LONG_TEXT)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["due_on"] = data.pop("due")
        return data


class BacklogOutcomeSerializer(BackEntryInput):
    outcome = serializers.ChoiceField(
        choices=[
            (value, label) for value, label in BacklogStatus.choices if value in BACKLOG_OUTCOMES
        ]
    )
    note = serializers.CharField(max_length=LONG_TEXT)
    date = serializers.DateField(
        required=False, allow_null=True, help_text=_("The day of the outcome; empty: today.")
    )


class BacklogProgressReportSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="reported_on", read_only=True)
    unit = SlugRelatedField(slug_field="code", read_only=True)
    reported_by = SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = BacklogProgress
        fields = ["date", "text", "unit", "reported_by"]
        read_only_fields = fields


class BacklogEntrySerializer(serializers.ModelSerializer):
    case = SlugRelatedField(slug_field="number", read_only=True)
    case_summary = serializers.CharField(source="case.summary", read_only=True)
    case_status = serializers.CharField(source="case.status", read_only=True)
    group = serializers.BooleanField(read_only=True)
    placing_unit = SlugRelatedField(slug_field="code", read_only=True)
    placed_by = SlugRelatedField(slug_field="username", read_only=True)
    lead_unit = SlugRelatedField(slug_field="code", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    sponsoring_leader = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    sponsoring_leader_name = serializers.SerializerMethodField()
    due = serializers.DateField(source="due_on", read_only=True)
    original_due = serializers.DateField(source="original_due_on", read_only=True)
    overdue = serializers.SerializerMethodField()
    progress = BacklogProgressReportSerializer(source="progress_reports", many=True, read_only=True)

    class Meta:
        model = BacklogEntry
        fields = [
            "id",
            "number",
            "case",
            "case_summary",
            "case_status",
            "group",
            "placing_unit",
            "placed_by",
            "placed_on",
            "candidate",
            "reason",
            "lead_unit",
            "lead_unit_name",
            "sponsoring_leader",
            "sponsoring_leader_name",
            "responsible_persons",
            "plan",
            "due",
            "original_due",
            "extended_on",
            "extension_reason",
            "status",
            "overdue",
            "ended_on",
            "outcome_note",
            "last_progress_on",
            "progress",
        ]
        read_only_fields = fields

    def get_sponsoring_leader_name(self, entry: BacklogEntry) -> str:
        leader = entry.sponsoring_leader
        return leader.display_name if leader is not None else ""

    def get_overdue(self, entry: BacklogEntry) -> bool:
        return entry.is_open and entry.due_on < timezone.localdate()


@extend_schema_view(
    list=extend_schema(summary=_("The backlog ledger of the caller's area")),
    retrieve=extend_schema(summary=_("One backlog case (404 outside the caller's scope)")),
)
class BacklogEntryViewSet(ScopedViewSet):
    serializer_class = BacklogEntrySerializer
    parser_classes = [JSONParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = BacklogFilter
    model = BacklogEntry
    find_row = staticmethod(entry_detail)

    def visible_rows(self, wanted: dict):
        return (
            entry_list(self.request.user)
            .select_related("placing_unit", "placed_by")
            .prefetch_related("progress_reports__unit", "progress_reports__reported_by")
        )

    _place = create_action(
        _("Put a case on the backlog ledger with its assignment sheet (supervisors)"),
        BacklogPlaceSerializer,
        backlog_place,
        BacklogEntrySerializer,
    )

    @extend_schema(
        summary=_("Put a case on the backlog ledger with its assignment sheet (supervisors)"),
        request=BacklogPlaceSerializer,
        responses={201: BacklogEntrySerializer},
    )
    def create(self, request: Request) -> Response:
        # The role first: a case the caller does not see would otherwise be "no such case".
        if not can_place_on_backlog(request.user):
            raise NotAllowed(_("Only a supervisor puts a case on the backlog ledger."))
        return self._place(request)

    progress = row_action(
        "progress",
        _("Report progress (the lead unit or the sponsoring leader)"),
        BacklogProgressSerializer,
        backlog_progress,
        BacklogEntrySerializer,
        row="entry",
    )
    sponsor = row_action(
        "sponsor",
        _("Name the sponsoring leader (包案领导)"),
        BacklogSponsorSerializer,
        backlog_sponsor,
        BacklogEntrySerializer,
        row="entry",
    )
    extend = row_action(
        "extend",
        _("Extend the time limit, once"),
        BacklogExtendSerializer,
        backlog_extend,
        BacklogEntrySerializer,
        row="entry",
    )
    outcome = row_action(
        "outcome",
        _("Record the outcome: resolved, petitioner stopped or terminated by law"),
        BacklogOutcomeSerializer,
        backlog_end,
        BacklogEntrySerializer,
        row="entry",
    )


# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [("backlog-entries", BacklogEntryViewSet, "backlog-entry")]
