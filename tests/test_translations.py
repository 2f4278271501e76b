"""The zh_Hans catalogue is complete, compiled and correct for the key terms.

How to refresh the catalogue after strings were added or changed:

    make messages        # = makemessages -l zh_Hans --no-obsolete (ignoring .venv, var, static,
                         #   tests, ...) followed by compilemessages
    # then translate every new entry (empty msgstr) and check/unflag every `#, fuzzy` entry in
    # locale/zh_Hans/LC_MESSAGES/django.po (fuzzy entries are not compiled), and compile again:
    .venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=var

Commit both django.po and django.mo (installs need no gettext). These tests fail when an entry
is untranslated or fuzzy, when a placeholder was lost, or when the .mo was not recompiled after
the .po changed. Terms follow the design (DESIGN.md §1/§3) and 《信访工作条例》
(信访件, 信访事项, 信访人, 受理, 重复件, 越级访, 查询码 ...).
Chinese has one plural form: give msgstr[0] only.
"""

from __future__ import annotations

import ast
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"


# --- a tiny .po reader (no polib) -----------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")\s*$')


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, current, has_msgid = Entry(), None, False
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
                continue
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
                continue
            if line.startswith("#:"):
                entry.references.extend(line[2:].split())
                continue
            if line.startswith("#") or not line.strip():
                continue
            match = _KEYWORD.match(line)
            if match:
                keyword, index, literal = match.groups()
                current = (keyword, int(index)) if index is not None else (keyword, None)
                value = ast.literal_eval(literal)
                if keyword == "msgid":
                    has_msgid = True
            else:  # continuation line of the current string
                value = ast.literal_eval(line.strip())
            keyword, index = current
            if keyword == "msgstr":
                entry.msgstr[index or 0] = entry.msgstr.get(index or 0, "") + value
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
        if has_msgid or entry.obsolete:
            entries.append(entry)
    return entries


def read_mo(path: Path) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """{(context, msgid): (msgstr forms...)} of a compiled GNU .mo file (header excluded)."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    catalogue = {}
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[originals + 8 * i : originals + 8 * i + 8])
        tlen, toff = struct.unpack(
            order + "2I", data[translations + 8 * i : translations + 8 * i + 8]
        )
        original = data[ooff : ooff + olen].decode("utf-8")
        translated = data[toff : toff + tlen].decode("utf-8")
        context = None
        if "\x04" in original:
            context, original = original.split("\x04", 1)
        msgid = original.split("\x00")[0]
        if msgid == "" and context is None:
            continue  # the header
        catalogue[(context, msgid)] = tuple(translated.split("\x00"))
    return catalogue


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return read_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    return [e for e in po_entries if e.msgid and not e.obsolete]


# --- the catalogue --------------------------------------------------------------------------


def test_header(po_entries):
    header = next(e for e in po_entries if e.msgid == "" and not e.obsolete).msgstr[0]
    assert "Language: zh_Hans\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=1; plural=0;" in header


def test_catalogue_is_not_empty(messages):
    assert len(messages) > 200


def test_no_fuzzy_entries(po_entries):
    fuzzy = [e.msgid for e in po_entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries are not compiled; check them and drop the flag: {fuzzy}"


def test_every_entry_is_translated(messages):
    untranslated = [e.msgid for e in messages if not e.msgstr or not all(e.msgstr.values())]
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_plural_entries_have_one_form(messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert set(entry.msgstr) == {0}, f"Chinese has one plural form: {entry.msgid!r}"


_PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdif]|%%|%[sdif]|\{\{\s*\w+\s*\}\}")


@pytest.mark.parametrize("attribute", ["msgid", "msgid_plural"])
def test_placeholders_are_kept(messages, attribute):
    for entry in messages:
        source = getattr(entry, attribute)
        if source is None:
            continue
        expected = sorted(set(_PLACEHOLDER.findall(source)))
        for form in entry.msgstr.values():
            assert sorted(set(_PLACEHOLDER.findall(form))) == expected, (
                f"placeholders differ: {entry.msgid!r} -> {form!r}"
            )


def test_mo_is_compiled_from_the_current_po(messages):
    """A .po edited without `compilemessages` fails here."""
    assert MO_FILE.exists(), "run compilemessages (make messages)"
    compiled = read_mo(MO_FILE)
    expected = {e.key: tuple(e.msgstr[i] for i in sorted(e.msgstr)) for e in messages}
    assert set(compiled) == set(expected), (
        f"msgids differ; recompile. Only in .po: {sorted(set(expected) - set(compiled))[:10]}; "
        f"only in .mo: {sorted(set(compiled) - set(expected))[:10]}"
    )
    stale = [key for key in expected if compiled[key] != expected[key]]
    assert not stale, f"translations differ from the .po; recompile: {stale[:10]}"


def test_id_number_errors_name_the_id_card(messages):
    id_errors = [
        e
        for e in messages
        if any(ref.startswith("core/identity.py") for ref in e.references)
        and "ID number" in e.msgid
    ]
    assert id_errors
    for entry in id_errors:
        assert "身份证号码" in entry.msgstr[0], entry.msgid
    check = [e for e in id_errors if "check character" in e.msgid]
    assert check and "校验" in check[0].msgstr[0]


# --- through Django's gettext ---------------------------------------------------------------

KEY_TERMS = {
    "Register petition": "信访登记",
    "Petitions": "信访件",
    "Petition": "信访件",
    "Case": "信访事项",
    "Petitioner": "信访人",
    "Log in": "登录",
    "Log out": "退出",
    "XinfangTong": "信访通",
    "Query code": "查询码",
    "Petition registration receipt": "信访事项登记回执",
    "Acceptance due": "受理期限",
    "Group visit": "集体访",
    "Repeat petition": "重复件",
    "Skip-level visit": "越级访",
    "First-time petition": "初信初访",
    "Assigned by a superior": "上级交办",
    "Suggestion/opinion": "建议意见类",
    "Report/accusation": "检举控告类",
    "Complaint/request": "申诉求决类",
    "Not accepted": "不予受理",
    "Terminated": "已终结",
    "Letter": "来信",
    "Visit": "来访",
}


def test_key_terms_translate():
    with translation.override("zh-hans"):
        for msgid, expected in KEY_TERMS.items():
            assert translation.gettext(msgid) == expected, msgid
        assert "校验" in translation.gettext(
            "The check character of this ID number is wrong; please check the number."
        )
        assert translation.gettext("Page %(n)s of %(total)s") % {"n": 2, "total": 5} == (
            "第2页，共5页"
        )
        for count in (1, 7):
            text = translation.ngettext("%(counter)s petition", "%(counter)s petitions", count)
            assert text % {"counter": count} == f"共{count}件"


def test_english_stays_english():
    with translation.override("en"):
        assert translation.gettext("Register petition") == "Register petition"
