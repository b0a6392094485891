"""Ukrainian first: every string of the interface has a Ukrainian translation, compiled."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "uk" / "LC_MESSAGES" / "django.po"


def entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry, joining continued lines."""
    found, msgid, msgstr, fuzzy, target = [], None, None, False, None
    for line in [*po_text.splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, target = line[6:].strip('"'), "id"
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, target = line.split(" ", 1)[1].strip('"'), "str"
        elif line.startswith('"') and target == "id":
            msgid += line.strip('"')
        elif line.startswith('"') and target == "str":
            msgstr += line.strip('"')
        elif not line.strip() and msgid is not None:
            found.append((msgid, msgstr, fuzzy))
            msgid, msgstr, fuzzy, target = None, None, False, None
    return [entry for entry in found if entry[0]]  # skip the header


def test_every_string_has_a_ukrainian_translation():
    missing = [msgid for msgid, msgstr, fuzzy in entries(PO.read_text()) if not msgstr or fuzzy]
    assert missing == [], "run `make messages` and translate these"


def test_the_compiled_catalogue_matches_its_source():
    with PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, _ in entries(PO.read_text())
        if "\\" not in msgid + msgstr and compiled.gettext(msgid) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile locale/uk"


@pytest.mark.parametrize("source", ["Sign in", "My cabinet", "Skip to main content"])
def test_compiled_translations_are_used(source):
    from django.utils import translation

    with translation.override("uk"):
        assert translation.gettext(source) != source
