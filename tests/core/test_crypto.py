"""Personal data at rest: encrypted columns, keyed-hash lookup, and key rotation without losing
a record (DESIGN §5), here with Fernet keys (FIELD_CIPHER=fernet; SM4: test_crypto_sm4)."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import crypto
from core.management.commands.rotate_field_encryption import encrypted_fields, hash_fields
from petitions.models import Petitioner
from petitions.selectors import id_number_hash, phone_hash
from tests.factories import make_id_number, petitioner, register_petition

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def old_key(settings):
    settings.FIELD_CIPHER = "fernet"
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    return settings


def raw_columns(pk: int) -> tuple[str, str]:
    table = Petitioner._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number, phone FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_field_encryption", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def person(old_key, reception1):
    """A petitioner registered through intake while only the old key exists."""
    number = make_id_number()
    registration = register_petition(
        reception1, petitioners=[petitioner(id_number=number, phone="13812345678")]
    )
    stored = registration.petition.parties.get().petitioner
    return stored.pk, number


def test_id_number_and_phone_are_encrypted_at_rest(person):
    pk, number = person
    raw_id, raw_phone = raw_columns(pk)
    assert raw_id != number and number not in raw_id and number[-8:] not in raw_id
    assert "13812345678" not in raw_phone and "5678" not in raw_phone
    assert Fernet(OLD_KEY.encode()).decrypt(raw_id.encode()).decode() == number
    loaded = Petitioner.objects.get(pk=pk)
    assert (loaded.id_number, loaded.phone) == (number, "13812345678")


def test_keyed_hash_finds_the_petitioner(person):
    pk, number = person
    assert Petitioner.objects.get(id_number_hash=id_number_hash(number)).pk == pk
    assert Petitioner.objects.get(id_number_hash=id_number_hash(number.lower())).pk == pk
    assert Petitioner.objects.get(phone_hash=phone_hash("138 1234 5678")).pk == pk


def test_encrypting_twice_gives_different_ciphertexts(old_key):
    assert crypto.encrypt("11010519491231002X") != crypto.encrypt("11010519491231002X")


def test_record_survives_key_rotation(person, settings):
    pk, number = person
    raw_before = raw_columns(pk)

    # 1. The new key goes first, the old one stays as a fallback: old values still read.
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Petitioner.objects.get(pk=pk).id_number == number

    # 2. Re-encrypt everything under the new key.
    output = rotate()
    assert "petitions.Petitioner (id_number, phone): 2 values re-encrypted" in output
    assert "0 hashes recomputed" in output
    raw_after = raw_columns(pk)
    assert raw_after[0] != raw_before[0] and raw_after[1] != raw_before[1]
    assert Fernet(NEW_KEY.encode()).decrypt(raw_after[0].encode()).decode() == number

    # 3. The old key is dropped: the record still reads, and is still found by its hash.
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    loaded = Petitioner.objects.get(id_number_hash=id_number_hash(number))
    assert (loaded.pk, loaded.id_number, loaded.phone) == (pk, number, "13812345678")

    # 4. The old key alone no longer reads it.
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(InvalidToken):
        Petitioner.objects.get(pk=pk)


def test_without_rotation_dropping_the_old_key_loses_the_data(person, settings):
    pk, _ = person
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(InvalidToken):
        Petitioner.objects.get(pk=pk)


def test_rotation_works_in_batches_and_skips_empty_values(old_key):
    numbers = [make_id_number() for _ in range(5)]
    for index, number in enumerate(numbers):
        Petitioner.objects.create(
            name=f"测试{index}",
            id_number=number,
            id_number_hash=id_number_hash(number),
            phone="" if index % 2 else f"1381234567{index}",
        )
    Petitioner.objects.create(name="无证件")  # neither ID number nor phone
    old_key.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    output = rotate("--batch-size", "2")

    assert "petitions.Petitioner (id_number, phone): 8 values re-encrypted" in output
    old_key.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert sorted(Petitioner.objects.exclude(id_number="").values_list("id_number", flat=True)) == (
        sorted(numbers)
    )
    assert Petitioner.objects.get(name="无证件").phone == ""
    # Running it again is harmless: every value is already under the new key.
    assert "0 values re-encrypted" in rotate()
    assert Petitioner.objects.filter(name="测试0").get().id_number == numbers[0]


def test_rotation_stops_on_a_value_no_key_can_read(old_key):
    Petitioner.objects.create(name="甲", id_number=make_id_number())
    old_key.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key was dropped too early
    with pytest.raises(CommandError, match=r"petitions\.Petitioner"):
        rotate()


def test_rotation_discovers_every_encrypted_field():
    found = {model._meta.label: [f.name for f in fields] for model, fields in encrypted_fields()}
    assert found == {
        "accounts.User": ["mobile"],
        "idempotency.IdempotencyRecord": ["response_body"],
        "notifications.Notification": ["sms_to"],
        "petitions.Petitioner": ["id_number", "phone"],
        "petitions.PetitionPetitioner": ["phone"],
    }


def test_rotation_discovers_every_lookup_hash():
    found = {
        model._meta.label: {f.name: f.source for f in fields} for model, fields in hash_fields()
    }
    assert found == {
        "petitions.Petitioner": {"id_number_hash": "id_number", "phone_hash": "phone"},
        "petitions.PetitionPetitioner": {"phone_hash": "phone"},
        "petitions.Petition": {"query_code_hash": None},
    }


def test_rotating_secret_key_does_not_touch_personal_data(person, settings):
    _, number = person
    settings.SECRET_KEY = "a-completely-new-secret-key-after-rotation-0123456789"
    settings.SECRET_KEY_FALLBACKS = []
    assert Petitioner.objects.get(id_number_hash=id_number_hash(number)).id_number == number
