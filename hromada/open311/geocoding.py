"""An Open311 ``address_id`` or ``address_string`` found in the city's address register (the
situation centre's ``Address``: street, house, the master register's code and the point), for
requests sent without lat and long.

An ``address_id`` is the register's own code and is matched exactly.

The words of the address narrow the register one by one; a word that would leave nothing
(the city's name, "Україна", a postcode) is passed over. The house number must then match
exactly, and only one address may remain: a guess would send the crew to the wrong house.
"""

import re

from hromada.situation.models import Address

WORD = re.compile(r"[\w'ʼ’-]+")
# Kinds of street, written out or shortened: the register's street names may spell them
# either way, so they never narrow the search.
STREET_KINDS = frozenset(
    [
        "вул",
        "вулиця",
        "просп",
        "проспект",
        "пр",
        "пров",
        "провулок",
        "бульв",
        "бульвар",
        "б-р",
        "пл",
        "площа",
        "узвіз",
        "шосе",
        "туп",
        "тупик",
        "майдан",
        "наб",
        "набережна",
        "м",
        "місто",
        "смт",
        "с",
        "село",
        "буд",
        "будинок",
        "д",
        "street",
        "st",
        "avenue",
        "ave",
    ]
)
CANDIDATES_MAX = 50


def _parts(text: str) -> tuple[list[str], list[str]]:
    words, houses = [], []
    for token in WORD.findall(text.lower()):
        token = token.strip("'ʼ’-")
        if not token:
            continue
        if token[0].isdigit():
            houses.append(token)
        elif token not in STREET_KINDS and len(token) > 1:
            words.append(token)
    return words, houses


def address_by_code(code: str) -> Address | None:
    """The register address whose master-register code is ``code``, or None."""
    return Address.objects.with_code(code).first() if code else None


def address_for(text: str) -> Address | None:
    """The one register address that ``text`` names, or None (unknown or ambiguous)."""
    words, houses = _parts(text)
    if not words or not houses:
        return None
    addresses = Address.objects.all()
    narrowed = False
    for word in words[:6]:
        candidate = addresses.filter(search_text__contains=word)
        if candidate.exists():
            addresses, narrowed = candidate, True
    if not narrowed:
        return None
    # SQLite compares only ASCII without case: both cases of "12а" are asked for.
    spelled = {*houses, *(h.upper() for h in houses)}
    found = [
        a
        for a in addresses.filter(house__in=spelled).order_by("street", "house")[:CANDIDATES_MAX]
        if a.house.lower() in houses
    ]
    return found[0] if len(found) == 1 else None
