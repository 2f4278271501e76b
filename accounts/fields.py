from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored Fernet-encrypted; read and written as plain text in Python.

    The ciphertext is not searchable: pair it with a keyed-hash column for lookups.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
