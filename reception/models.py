"""Leader reception (领导接访): schedules of reception days, appointments (约访), the four
notices (四书), what the leader decided, and field visits (下访).

Reception days are computed from the schedules for any date range (`reception.recurrence`);
a `ReceptionDay` row exists only once something happens on a day (a booking, a cancellation,
a replacement), so nothing is stored years ahead.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from cases.models import Assignment, Case
from escalation.models import SupervisionNotice
from petitions.models import Petitioner


class ScheduleKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class ReceptionSchedule(models.Model):
    """A leader's recurring reception days: weekly on `weekdays` (ISO 1 = Monday … 7 =
    Sunday) or monthly on `days` of the month (a day past the month's end means its last
    day); a day on a rest day moves to the next workday (逢节假日顺延)."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="reception_schedules",
    )
    # The leader's unit when the schedule was made: whose area sees the days.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("recurrence"), max_length=10, choices=ScheduleKind.choices)
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)
    days = models.JSONField(_("days of the month"), default=list, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    place = models.CharField(_("place"), max_length=200)
    slots = models.PositiveSmallIntegerField(_("appointment slots"))
    attending_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("usual attending units"), blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")
        ordering = ["leader__username", "pk"]

    def __str__(self) -> str:
        return f"{self.leader} · {self.get_kind_display()} · {self.place}"


class DayStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CANCELLED = "cancelled", _("Cancelled")


class ReceptionDay(models.Model):
    """A reception day that something happened on. `date` is the day the leader receives
    (after any move past rest days). A cancelled day keeps its row and reason; a replacement
    day points to the day it replaces."""

    schedule = models.ForeignKey(
        ReceptionSchedule, on_delete=models.PROTECT, related_name="reception_days"
    )
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=DayStatus.choices, default=DayStatus.OPEN
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["date", "schedule"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="reception_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.schedule.leader} {self.date}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Received by the leader")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


# Appointments that hold a slot.
ACTIVE_APPOINTMENTS = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED)


class Appointment(models.Model):
    """A case booked into a slot of a reception day (约访), with the petitioners who come:
    the principal, or a group's representatives (at most five)."""

    day = models.ForeignKey(
        ReceptionDay,
        verbose_name=_("reception day"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="appointments"
    )
    slot = models.PositiveSmallIntegerField(_("slot"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The units that attend this reception (write opinions, get a notice): at booking, by
    # default the case's (owner, lead units, co-units), as the clerk edited them.
    attending_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("attending units"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["day__date", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "slot"],
                condition=Q(status__in=["booked", "attended"]),
                name="appointment_slot_once",
            ),
            models.UniqueConstraint(
                fields=["day", "case"],
                condition=Q(status__in=["booked", "attended"]),
                name="appointment_case_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} #{self.slot} {self.case}"


class AppointmentPetitioner(models.Model):
    """Who comes to an appointment. `date` repeats the day's date so that one petitioner
    cannot be booked twice on one date, across leaders (a unique constraint, not a check)."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="petitioners"
    )
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petitioner", "date"],
                condition=Q(active=True),
                name="petitioner_one_appointment_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.petitioner_id} {self.date}"


class PreliminaryOpinion(models.Model):
    """A department's preliminary opinion (初步处理意见) on an appointment, before the day."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="opinions")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("preliminary opinion"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preliminary opinion")
        verbose_name_plural = _("preliminary opinions")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "unit"], name="opinion_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.unit}"


class NoticeKind(models.TextChoices):
    PETITIONER = "petitioner", _("Notice to the petitioner (领导接访通知书)")
    UNIT = "unit", _("Notice to an attending unit (参与接访通知书)")
    LEADER = "leader", _("Briefing for the leader (接待信访人通知书)")


class ReceptionNotice(models.Model):
    """That a notice of an appointment was issued (and its recipients told), once per
    appointment, kind and unit; the document itself is generated from the data each time.
    The fourth notice, after the reception, is escalation's supervision notice."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("notice"), max_length=12, choices=NoticeKind.choices)
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=160, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reception notice")
        verbose_name_plural = _("reception notices")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=Q(unit__isnull=True),
                name="reception_notice_once",
            ),
            models.UniqueConstraint(
                fields=["appointment", "kind", "unit"],
                condition=Q(unit__isnull=False),
                name="reception_notice_once_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ReceptionRecord(models.Model):
    """What happened at the reception: who came, what was said, the leader's instruction
    (批示), solved on the spot or turned into an assignment with a supervision notice."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="record")
    attended = models.BooleanField(_("the petitioner came"))
    account = models.TextField(_("what was said"), blank=True)
    instruction = models.TextField(_("leader's instruction"), blank=True)
    resolved_on_spot = models.BooleanField(_("resolved on the spot"), default=False)
    assignment = models.OneToOneField(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervision_notice = models.OneToOneField(
        SupervisionNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception record")
        verbose_name_plural = _("reception records")

    def __str__(self) -> str:
        return f"{self.appointment}"


class FieldVisit(models.Model):
    """A leader's visit to the grassroots (下访 / 带案下访) with the cases taken along."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="field_visits",
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.leader} {self.date} {self.place}"


class FieldVisitCase(models.Model):
    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="field_visits")
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("case taken along")
        verbose_name_plural = _("cases taken along")
        constraints = [
            models.UniqueConstraint(fields=["visit", "case"], name="field_visit_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.case}"
