"""Production refuses to start (ImproperlyConfigured when `config.settings` is imported) with the
development secrets or with keys of the wrong length or format.

The settings are imported afresh for each case in one subprocess, with the variables each case
decides set explicitly (a developer's shell must not decide the outcome)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from core import keyring

BASE_DIR = Path(__file__).resolve().parent.parent

# Runs each case: sets the environment, imports config.settings afresh, reports the outcome.
SCRIPT = r"""
import importlib, json, os, sys
cases = json.loads(sys.stdin.read())
base = dict(os.environ)
results = []
for case in cases:
    os.environ.clear()
    os.environ.update(base)
    for name, value in case.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    sys.modules.pop("config.settings", None)
    try:
        importlib.import_module("config.settings")
    except Exception as exc:
        results.append([type(exc).__name__, str(exc)])
    else:
        results.append(["ok", ""])
print(json.dumps(results))
"""

SM4_KEY = keyring.new_sm4_key()
GOOD = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": keyring.new_secret_key(),
    "FIELD_CIPHER": "sm4",
    "FIELD_HASH": "sm3",
    "FIELD_ENCRYPTION_KEY": SM4_KEY,
    "FIELD_HASH_KEY": keyring.new_hash_key(),
    "ALLOWED_HOSTS": "example.org",
}
DEV_SM4_KEY = "sm4:ZGV2LW9ubHktc200LWtleQ=="
DEV_FERNET_KEY = "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="


def _import_settings(*cases: dict) -> list[tuple[str, str]]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FIELD_", "SECRET_KEY", "DJANGO_", "DATABASE_"))
    }
    # Every variable a case decides is set (or removed) explicitly: the environment wins over
    # the project's .env, which the settings also read.
    env.update(PYTHONPATH=str(BASE_DIR), VAR_DIR=str(BASE_DIR / "var"))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        input=json.dumps([{**GOOD, **case} for case in cases]),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [tuple(result) for result in json.loads(done.stdout.strip().splitlines()[-1])]


def test_production_starts_with_good_keys_and_refuses_bad_ones():
    fernet = Fernet.generate_key().decode()
    cases = {
        "good": {},
        "good, an old Fernet key as a decrypt-only fallback": {
            "FIELD_ENCRYPTION_KEY": f"{SM4_KEY},{fernet}"
        },
        "good, Fernet by choice": {"FIELD_CIPHER": "fernet", "FIELD_ENCRYPTION_KEY": fernet},
        "the development SM4 key": {"FIELD_ENCRYPTION_KEY": DEV_SM4_KEY},
        "the development Fernet key, as a fallback": {
            "FIELD_ENCRYPTION_KEY": f"{SM4_KEY},{DEV_FERNET_KEY}"
        },
        "the development Fernet key, written with its prefix": {
            "FIELD_CIPHER": "fernet",
            "FIELD_ENCRYPTION_KEY": f"fernet:{DEV_FERNET_KEY}",
        },
        "the development hash key": {"FIELD_HASH_KEY": "dev-only-field-hash-key"},
        "the development SECRET_KEY": {
            "SECRET_KEY": "dev-only-insecure-secret-key-change-me-0123456789abcdef"
        },
        "an SM4 key of 32 bytes": {"FIELD_ENCRYPTION_KEY": f"sm4:{fernet}"},
        "an SM4 key of 15 bytes": {"FIELD_ENCRYPTION_KEY": "sm4:QUFBQUFBQUFBQUFBQUFB"},
        "an SM4 key that is not base64": {"FIELD_ENCRYPTION_KEY": "sm4:not base64 at all!"},
        "a Fernet key of 16 bytes": {"FIELD_ENCRYPTION_KEY": f"{SM4_KEY},QUFBQUFBQUFBQUFBQUFBQQ=="},
        "a short hash key": {"FIELD_HASH_KEY": "x9" * 15},
        "a hash key of one repeated character": {"FIELD_HASH_KEY": "a" * 64},
        "no key of the chosen cipher": {"FIELD_ENCRYPTION_KEY": fernet},
        "an unknown cipher": {"FIELD_CIPHER": "aes"},
        "an unknown hash": {"FIELD_HASH": "md5"},
        "no FIELD_ENCRYPTION_KEY": {"FIELD_ENCRYPTION_KEY": ""},
    }
    results = dict(zip(cases, _import_settings(*cases.values()), strict=True))

    for name in ("good", "good, an old Fernet key as a decrypt-only fallback"):
        assert results[name] == ("ok", ""), name
    assert results["good, Fernet by choice"] == ("ok", "")
    refused = {name: result for name, result in results.items() if not name.startswith("good")}
    for name, (error, message) in refused.items():
        assert error == "ImproperlyConfigured", (name, error, message)
    assert "entry 1 is a development key" in refused["the development SM4 key"][1]
    assert (
        "entry 2 is a development key" in (refused["the development Fernet key, as a fallback"][1])
    )
    assert "development key" in refused["the development Fernet key, written with its prefix"][1]
    assert "FIELD_HASH_KEY is the development value" in refused["the development hash key"][1]
    assert "SECRET_KEY is the development value" in refused["the development SECRET_KEY"][1]
    assert "decodes to 32 bytes; a sm4 key has 16" in refused["an SM4 key of 32 bytes"][1]
    assert "decodes to 15 bytes" in refused["an SM4 key of 15 bytes"][1]
    assert "not base64" in refused["an SM4 key that is not base64"][1]
    assert (
        "entry 2 decodes to 16 bytes; a fernet key has 32"
        in (refused["a Fernet key of 16 bytes"][1])
    )
    assert "at least 32" in refused["a short hash key"][1]
    assert "at least 32" in refused["a hash key of one repeated character"][1]
    assert "no sm4 key" in refused["no key of the chosen cipher"][1]
    # No message repeats a key it refuses.
    for _, message in refused.values():
        assert DEV_FERNET_KEY not in message and "ZGV2LW9ubHktc200LWtleQ" not in message


def test_development_starts_with_no_key_set():
    [result] = _import_settings(
        {
            "DJANGO_ENV": "development",
            "SECRET_KEY": None,
            "FIELD_CIPHER": None,
            "FIELD_HASH": None,
            "FIELD_ENCRYPTION_KEY": None,
            "FIELD_HASH_KEY": None,
            "ALLOWED_HOSTS": None,
        }
    )
    assert result == ("ok", "")
