"""Ukrainian first: every string of the interface has a Ukrainian translation, compiled.

The site's catalogue lives in locale/; an app may keep its own in hromada/<app>/locale/ (where
`make messages` puts the strings of an app that has such a folder). Every catalogue is checked.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUES = sorted(
    [
        BASE / "locale" / "uk" / "LC_MESSAGES" / "django.po",
        *(BASE / "hromada").glob("*/locale/uk/LC_MESSAGES/django.po"),
    ]
)
by_catalogue = pytest.mark.parametrize(
    "po", CATALOGUES, ids=[str(path.relative_to(BASE)) for path in CATALOGUES]
)
QUOTED = re.compile(r'"(.*)"')


@dataclass
class Entry:
    msgid: str = ""
    plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False


def unquote(line: str) -> str:
    return QUOTED.search(line).group(1).encode().decode("unicode_escape").encode("latin-1").decode()


def entries(po_text: str) -> list[Entry]:
    """The catalogue's entries (the header left out), continued lines joined."""
    found, entry, target = [], Entry(), None
    for line in [*po_text.splitlines(), ""]:
        if not line.strip():
            if entry.msgid:
                found.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("msgid_plural "):
            entry.plural, target = unquote(line), "plural"
        elif line.startswith("msgid "):
            entry.msgid, target = unquote(line), "msgid"
        elif line.startswith("msgstr"):
            entry.msgstrs.append(unquote(line))
            target = "msgstr"
        elif line.startswith('"') and target == "msgid":
            entry.msgid += unquote(line)
        elif line.startswith('"') and target == "plural":
            entry.plural += unquote(line)
        elif line.startswith('"') and target == "msgstr":
            entry.msgstrs[-1] += unquote(line)
    return found


@by_catalogue
def test_every_string_has_a_ukrainian_translation(po):
    missing = [e.msgid for e in entries(po.read_text()) if e.fuzzy or not all(e.msgstrs)]
    assert missing == [], "run `make messages` and translate these"


@by_catalogue
def test_plurals_have_the_three_ukrainian_forms(po):
    short = [e.msgid for e in entries(po.read_text()) if e.plural and len(e.msgstrs) != 3]
    assert short == []


@by_catalogue
def test_the_compiled_catalogue_matches_its_source(po):
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e.msgid
        for e in entries(po.read_text())
        if (compiled.ngettext(e.msgid, e.plural, 1) if e.plural else compiled.gettext(e.msgid))
        != e.msgstrs[0]
    ]
    assert stale == [], "run `make messages` to recompile it"


@pytest.mark.parametrize("source", ["Sign in", "My cabinet", "Skip to main content"])
def test_compiled_translations_are_used(source):
    from django.utils import translation

    with translation.override("uk"):
        assert translation.gettext(source) != source
