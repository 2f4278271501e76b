"""SM4-GCM at rest and HMAC-SM3 lookup hashes (密评, GB/T 39786), and the move of a database
written with Fernet and HMAC-SHA256 to them through `rotate_field_encryption`."""

import base64
import hashlib
import hmac
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from core import crypto, keyring
from petitions.models import Petition, Petitioner, PetitionPetitioner
from petitions.selectors import (
    PersonKey,
    id_number_hash,
    id_number_hashes,
    phone_hash,
    phone_hashes,
    query_code_hashes,
)
from tests.factories import make_id_number, petitioner, register_petition

SM4_KEY = "sm4:" + base64.b64encode(bytes(range(16))).decode()
OTHER_SM4_KEY = "sm4:" + base64.b64encode(bytes(range(16, 32))).decode()
FERNET_KEY = Fernet.generate_key().decode()
NUMBER = "11010519491231002X"
HEADER = "$sm4gcm$v1$"


@pytest.fixture
def sm4(settings):
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_ENCRYPTION_KEYS = [SM4_KEY]
    return settings


def _parts(token: str) -> tuple[str, bytes]:
    """(key id, nonce ‖ ciphertext ‖ tag) of an SM4 value, as the format is documented."""
    assert token.startswith(HEADER)
    _, _, _, key_id, body = token.split("$")
    return key_id, base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _with_body(token: str, sealed: bytes) -> str:
    head, _ = token.rsplit("$", 1)
    return f"{head}${base64.urlsafe_b64encode(sealed).rstrip(b'=').decode()}"


# --- SM4-GCM --------------------------------------------------------------------------------


def test_sm4_round_trip(sm4):
    token = crypto.encrypt(NUMBER)
    assert crypto.decrypt(token) == NUMBER
    assert NUMBER not in token
    assert crypto.encrypt(NUMBER) != token  # a fresh nonce each time
    assert crypto.decrypt(crypto.encrypt("")) == ""
    assert crypto.decrypt(crypto.encrypt("张三 13812345678")) == "张三 13812345678"


def test_the_format_carries_algorithm_key_nonce_and_tag(sm4):
    token = crypto.encrypt(NUMBER)
    key_id, sealed = _parts(token)
    assert crypto.cipher_of(token) == "sm4"
    assert key_id == keyring.parse_key(SM4_KEY).key_id and len(key_id) == 8
    assert len(sealed) == 12 + len(NUMBER) + 16  # 96-bit nonce, ciphertext, 128-bit tag
    # Decrypted independently of core.crypto: SM4 in GCM mode, the header authenticated.
    nonce, ciphertext, tag = sealed[:12], sealed[12:-16], sealed[-16:]
    decryptor = Cipher(algorithms.SM4(bytes(range(16))), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(f"{HEADER}{key_id}$".encode())
    assert (decryptor.update(ciphertext) + decryptor.finalize()).decode() == NUMBER


def test_a_changed_byte_fails(sm4):
    token = crypto.encrypt(NUMBER)
    _, sealed = _parts(token)
    for position in (0, 11, 12, 12 + len(NUMBER) - 1, len(sealed) - 16, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        with pytest.raises(InvalidToken):
            crypto.decrypt(_with_body(token, bytes(tampered)))
    with pytest.raises(InvalidToken):  # truncated
        crypto.decrypt(_with_body(token, sealed[:-1]))
    with pytest.raises(InvalidToken):  # another version
        crypto.decrypt(token.replace("$v1$", "$v2$"))
    with pytest.raises(InvalidToken):  # the header is authenticated: another key id fails
        crypto.decrypt(token.replace(_parts(token)[0], "0" * 8))


def test_the_key_is_chosen_by_its_id_and_the_wrong_key_fails(settings, sm4):
    token = crypto.encrypt(NUMBER)
    settings.FIELD_ENCRYPTION_KEYS = [OTHER_SM4_KEY, FERNET_KEY, SM4_KEY]
    assert crypto.decrypt(token) == NUMBER
    settings.FIELD_ENCRYPTION_KEYS = [OTHER_SM4_KEY]
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_fernet_values_stay_readable_after_the_switch(settings):
    settings.FIELD_CIPHER = "fernet"
    settings.FIELD_ENCRYPTION_KEYS = [FERNET_KEY]
    old = crypto.encrypt(NUMBER)
    assert old.startswith("gAAAAA") and crypto.cipher_of(old) == "fernet"

    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_ENCRYPTION_KEYS = [SM4_KEY, FERNET_KEY]  # Fernet: decrypt-only fallback
    assert crypto.decrypt(old) == NUMBER
    assert crypto.encrypt(NUMBER).startswith(HEADER)
    # FIELD_CIPHER picks the first key of its kind: back to Fernet with the same list.
    settings.FIELD_CIPHER = "fernet"
    assert crypto.cipher_of(crypto.encrypt(NUMBER)) == "fernet"


def test_no_key_of_the_chosen_cipher_cannot_encrypt(settings):
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_ENCRYPTION_KEYS = [FERNET_KEY]
    with pytest.raises(ImproperlyConfigured, match="no sm4 key"):
        crypto.encrypt(NUMBER)


def test_development_defaults_encrypt_with_sm4_and_read_the_old_fernet_values():
    """`make run` on a development database written with the old development Fernet key."""
    from config import settings as project_settings

    old_dev_key = "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
    assert project_settings.FIELD_CIPHER == "sm4" and project_settings.FIELD_HASH == "sm3"
    assert project_settings.FIELD_ENCRYPTION_KEYS[0].startswith("sm4:")
    assert old_dev_key in project_settings.FIELD_ENCRYPTION_KEYS
    old_value = Fernet(old_dev_key.encode()).encrypt(NUMBER.encode()).decode()
    assert crypto.decrypt(old_value) == NUMBER
    assert crypto.encrypt(NUMBER).startswith(HEADER)


# --- HMAC-SM3 -------------------------------------------------------------------------------


def _sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _hmac_sm3_rfc2104(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3, written out: block 64 bytes, ipad 0x36, opad 0x5c."""
    if len(key) > 64:
        key = _sm3(key)
    key = key.ljust(64, b"\x00")
    inner = _sm3(bytes(b ^ 0x36 for b in key) + message)
    return _sm3(bytes(b ^ 0x5C for b in key) + inner)


def test_sm3_published_test_vector():
    # GB/T 32905-2016, appendix A.1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert _sm3(b"abc").hex() == expected
    if "sm3" in hashlib.algorithms_available:
        assert hashlib.new("sm3", b"abc").hexdigest() == expected


def test_keyed_hash_is_hmac_sm3(settings):
    settings.FIELD_HASH = "sm3"
    settings.FIELD_HASH_KEY = "k" * 20 + "an-independent-test-key-0123456789-long-enough" * 2
    key, message = settings.FIELD_HASH_KEY.encode(), f"id_number:{NUMBER}".encode()
    expected = _hmac_sm3_rfc2104(key, message).hex()
    if "sm3" in hashlib.algorithms_available:  # OpenSSL through hashlib agrees
        assert hmac.new(key, message, "sm3").hexdigest() == expected
    assert crypto.keyed_hash("id_number", NUMBER) == expected
    assert id_number_hash(NUMBER.lower()) == expected  # normalized first


def test_lookup_hashes_list_the_current_algorithm_first(settings):
    settings.FIELD_HASH_KEY = "a-test-hash-key-of-sufficient-length-0123456789"
    key, message = settings.FIELD_HASH_KEY.encode(), b"query_code:ABCD2345"
    sm3 = _hmac_sm3_rfc2104(key, message).hex()
    sha256 = hmac.new(key, message, hashlib.sha256).hexdigest()
    settings.FIELD_HASH = "sm3"
    assert crypto.lookup_hashes("query_code", "ABCD2345") == [sm3, sha256]
    assert query_code_hashes(" abcd2345 ") == [sm3, sha256]
    settings.FIELD_HASH = "sha256"  # the hashes written before SM3, unchanged
    assert crypto.keyed_hash("query_code", "ABCD2345") == sha256
    assert crypto.lookup_hashes("query_code", "ABCD2345") == [sha256, sm3]


# --- a database written with Fernet and HMAC-SHA256 moves to SM4 and HMAC-SM3 ---------------


def _legacy(settings):
    settings.FIELD_CIPHER, settings.FIELD_HASH = "fernet", "sha256"
    settings.FIELD_ENCRYPTION_KEYS = [FERNET_KEY]


def _switched(settings, *, fallback: bool = True):
    settings.FIELD_CIPHER, settings.FIELD_HASH = "sm4", "sm3"
    settings.FIELD_ENCRYPTION_KEYS = [SM4_KEY, FERNET_KEY] if fallback else [SM4_KEY]


def _register(actor, sequence: int) -> dict:
    number = make_id_number(sequence=sequence)
    phone = f"1381234{sequence:04d}"
    registration = register_petition(actor, petitioners=[petitioner(id_number=number, phone=phone)])
    party = registration.petition.parties.get()
    return {
        "number": number,
        "phone": phone,
        "code": registration.query_code,
        "petitioner": party.petitioner_id,
        "petition": registration.petition.pk,
    }


def _raw(table: str, columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM {table} ORDER BY id")
        return cursor.fetchall()


def _stored_state() -> list:
    return [
        _raw(Petitioner._meta.db_table, "id_number, id_number_hash, phone, phone_hash"),
        _raw(PetitionPetitioner._meta.db_table, "phone, phone_hash"),
        _raw(Petition._meta.db_table, "query_code_hash"),
    ]


def _assert_everyone_found(people: list[dict]) -> None:
    for person in people:
        pk = person["petitioner"]
        found = Petitioner.objects.get(id_number_hash__in=id_number_hashes(person["number"]))
        assert (found.pk, found.id_number, found.phone) == (pk, person["number"], person["phone"])
        assert Petitioner.objects.get(phone_hash__in=phone_hashes(person["phone"])).pk == pk
        party = PetitionPetitioner.objects.get(phone_hash__in=phone_hashes(person["phone"]))
        assert (party.petitioner_id, party.phone) == (pk, person["phone"])
        petition = Petition.objects.get(query_code_hash__in=query_code_hashes(person["code"]))
        assert petition.pk == person["petition"]
        # The selectors' person matching (repeat detection, search) finds the petition too.
        for key in (PersonKey(id_number=person["number"]), PersonKey(phone=person["phone"])):
            assert list(Petition.objects.filter(key.as_query(None))) == [petition]


@pytest.mark.django_db
def test_a_mixed_database_moves_to_sm4_without_losing_a_row(settings, reception1):
    _legacy(settings)
    people = [_register(reception1, sequence) for sequence in range(3)]
    _switched(settings)
    people += [_register(reception1, sequence) for sequence in range(10, 12)]

    petitioners = _stored_state()[0]
    assert {crypto.cipher_of(row[1]) for row in petitioners} == {"fernet", "sm4"}
    current_hashes = [
        row[2] == id_number_hash(p["number"]) for row, p in zip(petitioners, people, strict=True)
    ]
    assert current_hashes == [False, False, False, True, True]
    _assert_everyone_found(people)  # before the rotation: both formats, both hashes

    out = io.StringIO()
    call_command("rotate_field_encryption", "--batch-size", "2", stdout=out)
    output = out.getvalue()
    # 3 legacy rows: ID number and phone re-encrypted, and both hashes; and their parties.
    assert (
        "petitions.Petitioner (id_number, phone): 6 values re-encrypted, 6 hashes recomputed"
    ) in output
    assert "petitions.PetitionPetitioner (phone): 3 values re-encrypted, 3 hashes recomputed" in (
        output
    )
    assert "petitions.Petition.query_code_hash: not recomputable" in output

    _switched(settings, fallback=False)  # the Fernet key is dropped
    petitioners, parties, _ = _stored_state()
    for (_, raw_id, id_hash, raw_phone, stored_phone_hash), person in zip(
        petitioners, people, strict=True
    ):
        assert raw_id.startswith(HEADER) and raw_phone.startswith(HEADER)
        assert id_hash == id_number_hash(person["number"])  # HMAC-SM3 now
        assert stored_phone_hash == phone_hash(person["phone"])
    assert all(raw.startswith(HEADER) for _, raw, _ in parties)
    _assert_everyone_found(people)  # the legacy query codes through their SHA-256 hash

    # Running it again is harmless: nothing left to change, nothing changed.
    before = _stored_state()
    out = io.StringIO()
    call_command("rotate_field_encryption", stdout=out)
    assert "0 values re-encrypted and 0 hashes recomputed" in out.getvalue()
    assert _stored_state() == before
    _assert_everyone_found(people)


@pytest.mark.django_db
def test_a_legacy_petitioner_registering_again_after_the_switch_is_not_duplicated(
    settings, reception1
):
    _legacy(settings)
    first = _register(reception1, 1)
    _switched(settings)
    again = register_petition(
        reception1, petitioners=[petitioner(id_number=first["number"], phone="13900001111")]
    )
    assert again.petition.parties.get().petitioner_id == first["petitioner"]
    assert Petitioner.objects.count() == 1
    # Its hash moved to HMAC-SM3 on the way; the rotation then finds nothing in its way.
    assert Petitioner.objects.get().id_number_hash == id_number_hash(first["number"])
    call_command("rotate_field_encryption", stdout=io.StringIO())
    _switched(settings, fallback=False)
    assert Petitioner.objects.get().id_number == first["number"]
