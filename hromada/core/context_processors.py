from django.conf import settings
from django.utils.translation import get_language


def site(request):
    english = (get_language() or "").startswith("en")
    return {
        "CITY_NAME": settings.CITY_NAME_EN if english else settings.CITY_NAME,
        "CITY_EMBLEM": settings.CITY_EMBLEM,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_ATTRIBUTION": settings.MAP_ATTRIBUTION,
    }
