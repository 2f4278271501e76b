"""`manage.py seed_demo`: the demo org tree, accounts, petitions and their handling, then the
escalation and leader reception built on them and the dashboards' rollup."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboards.services import rollup_rebuild
from demo.escalation import seed_escalation_demo
from demo.ledgers import seed_ledgers_demo, seed_suggestions_demo, seed_targets_demo
from demo.reception import seed_reception_demo
from demo.seed import DEFAULT_PETITIONS, DEFAULT_SEED, SCENARIOS, SHOWCASES, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo data (江州市 with three districts, staff accounts, ~500 petitions over "
        "the past year and their handling: acceptance, assignments, replies, approvals, "
        "evaluations, reviews). Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--petitions",
            type=int,
            default=DEFAULT_PETITIONS,
            help="Total number of petitions, scenarios included (default %(default)s).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (default %(default)s)."
        )

    def handle(self, *args, petitions: int, seed: int, **options):
        if petitions < 0:
            raise CommandError("--petitions cannot be negative.")
        if settings.PRODUCTION:
            # Demo accounts with a published password have no place on a live system.
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        started = time.monotonic()
        result = seed_demo(petitions=petitions, seed=seed)
        elapsed = time.monotonic() - started
        out = self.stdout

        out.write(
            f"Org units created: {result.units_created}; accounts created: {result.users_created}."
        )
        if result.petitions_skipped:
            out.write("Petitions: demo petitions already exist, none added.")
        else:
            out.write(
                f"Petitions registered: {result.petitions_created}; "
                f"handling steps carried out: {result.steps_taken}."
            )
        out.write(f"Done in {elapsed:.1f} s.\n")

        out.write("Accounts (username · roles · unit · name):")
        width = max(len(row.username) for row in result.accounts)
        for row in result.accounts:
            out.write(
                f"  {row.username:<{width}}  {','.join(row.roles):<18}  "
                f"{row.unit_code:<9} {row.unit_name}  {row.name}"
            )
        source = (
            "the DEMO_PASSWORD environment variable"
            if "DEMO_PASSWORD" in os.environ
            else "settings.DEMO_PASSWORD (default 'demo-pass-2026'; set DEMO_PASSWORD to change)"
        )
        out.write(
            f"Password of new accounts: {source}. Accounts that already existed keep their "
            "password.\nRoles: petition-office accounts (<code>xfj) are handler + reception and "
            "can register what their office receives; every other unit account is a handler "
            "of its own unit; <code>-leader / <code>-supervisor see their level's subtree.\n"
        )

        out.write("Scenarios (SCENARIOS.md) and their petitions:")
        for code, scenario in SCENARIOS.items():
            numbers = ", ".join(result.scenarios.get(code, [])) or "—"
            out.write(f"  {code} {scenario.title}: {scenario.principal} {numbers}")
        out.write("\nCases of the scenarios and showcases (case number · status):")
        for code, story in {**SCENARIOS, **SHOWCASES}.items():
            cases = "; ".join(f"{n} · {s}" for n, s in result.cases.get(code, [])) or "—"
            out.write(f"  {code} {story.principal}: {cases}")

        # The people's suggestions: cases of their own (the ledgers' register and its
        # commendation), made before what is built on the cases.
        seed_suggestions_demo(out)
        # The parts built on the cases above, in the order of the layers; the dashboards'
        # rollup last, over all of it.
        seed_escalation_demo(out)
        seed_reception_demo(out)
        seed_ledgers_demo(out)
        rollup = rollup_rebuild()
        out.write(f"dashboards: rollup rebuilt over {rollup.days} days")
        # The targets are drawn against the year's figures, read from the rollup.
        seed_targets_demo(out)
