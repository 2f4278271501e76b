"""Load a year's official holiday schedule, as the admin page does (for scripts and for a
year's notice kept as text)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.calendar.forms import OfficialScheduleForm


class Command(BaseCommand):
    help = (
        "Load the official holiday schedule of a year the chinese-calendar package does not "
        "know: its rest days and make-up workdays (调休). The year stops being provisional and "
        "every open time limit depending on it is recomputed, with an event on each case. "
        "Running it again with the same days changes nothing. Example: --year 2027 --rest "
        "2027-01-01 2027-02-05..2027-02-13 --work 2027-02-20 --source 国办发明电〔2026〕N号"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--rest",
            nargs="+",
            required=True,
            help="Rest days: dates (2027-02-05) and ranges (2027-02-05..2027-02-13).",
        )
        parser.add_argument("--work", nargs="*", default=[], help="Make-up workdays.")
        parser.add_argument("--source", default="", help="The notice (document number).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the year's other admin days (else they stay).",
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            form = OfficialScheduleForm(
                {
                    "year": options["year"],
                    "source": options["source"],
                    "rest_days": "\n".join(options["rest"]),
                    "workdays": "\n".join(options["work"]),
                    "replace": options["replace"],
                }
            )
            if not form.is_valid():
                raise CommandError(_errors(form.errors.get_json_data()))
            data = form.cleaned_data
            try:
                result = form.load(actor=None)
            except ValidationError as error:
                raise CommandError(
                    "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                ) from None
        self.stdout.write(
            f"year: {data['year']}, rest days: {len(data['rest_days'])}, "
            f"make-up workdays: {len(data['workdays'])}, days changed: {len(result.days)}, "
            f"time limits moved: {result.moved}"
        )


def _errors(errors: dict) -> str:
    return "; ".join(
        f"{field}: {' '.join(item['message'] for item in items)}" for field, items in errors.items()
    )
