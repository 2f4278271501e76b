"""Print fresh secrets for production, one `NAME=value` line each (.env format).

    python manage.py generate_field_keys >> .env      # then edit: one line per variable

Runs on the development settings too (`DJANGO_ENV=development python manage.py ...`), so an
operator without any key yet can make the first ones, e.g. with the production image:
`docker run --rm -e DJANGO_ENV=development xinfangtong:latest python manage.py
generate_field_keys`. When data is already encrypted, keep the old FIELD_ENCRYPTION_KEY after
the new one (`new,old`) until `rotate_field_encryption` has run; never replace a FIELD_HASH_KEY
on a live database (README, "Encryption keys").
"""

from django.core.management.base import BaseCommand

from core import keyring


class Command(BaseCommand):
    help = "Print a fresh FIELD_ENCRYPTION_KEY (SM4), FIELD_HASH_KEY and SECRET_KEY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cipher",
            choices=keyring.CIPHERS,
            default=keyring.SM4,
            help="Kind of FIELD_ENCRYPTION_KEY (default sm4).",
        )
        parser.add_argument(
            "--only",
            choices=["FIELD_ENCRYPTION_KEY", "FIELD_HASH_KEY", "SECRET_KEY"],
            help="Print just this variable's value (no name), e.g. for a script.",
        )

    def handle(self, *args, cipher: str, only: str | None, **options):
        values = {
            "FIELD_ENCRYPTION_KEY": keyring.new_sm4_key()
            if cipher == keyring.SM4
            else keyring.new_fernet_key(),
            "FIELD_HASH_KEY": keyring.new_hash_key(),
            "SECRET_KEY": keyring.new_secret_key(),
        }
        if only:
            self.stdout.write(values[only])
            return
        for name, value in values.items():
            self.stdout.write(f"{name}={value}")
