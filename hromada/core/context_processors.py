from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request):
    english = (get_language() or "").startswith("en")
    return {
        "CITY_NAME": settings.CITY_NAME_EN if english else settings.CITY_NAME,
        "CITY_EMBLEM": settings.CITY_EMBLEM,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_ATTRIBUTION": settings.MAP_ATTRIBUTION,
        "MAP_CENTER": ",".join(str(x) for x in settings.MAP_CENTER),
    }


def languages(request):
    """The other languages, each with this page's address in it.

    Worked out here, in the page's own language: set_language runs in the default language
    and could not tell what an /en/ address is.
    """
    current = get_language()
    path = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
            }
            for code, _name in settings.LANGUAGES
            if code != current
        ]
    }
