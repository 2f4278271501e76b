from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from escalation.deadlines.services import deadlines_scan


class Command(BaseCommand):
    help = "Run the deadline reminder scan once, exactly as the beat job does."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            result = deadlines_scan()
        self.stdout.write(
            f"due soon: {result.due_soon}, overdue: {result.overdue}, "
            f"escalated: {result.escalated}, notices: {result.notices}, "
            f"notifications: {result.notifications}, "
            f"joint supervisions closed: {result.joint_closed}"
        )
