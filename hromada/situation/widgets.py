"""The admin's geometry field: the GeoJSON textarea, with a map beside it to see the geometry
and draw a point, a line or an area into it. Without JavaScript, the textarea alone."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class GeometryMapWidget(forms.Textarea):
    def __init__(self, attrs=None):
        labels = {
            "data-label-tools": _("Draw on the map"),
            "data-label-point": _("A point"),
            "data-label-line": _("A line"),
            "data-label-polygon": _("An area"),
            "data-label-clear": _("Clear"),
            "data-label-help": _(
                "Choose what to draw and click the map: a point takes one click, a line two "
                "or more, an area three or more. The GeoJSON below follows; you may also type it."
            ),
        }
        super().__init__(
            attrs={
                "rows": 4,
                "data-geometry-map": "",
                "data-tiles": settings.MAP_TILE_URL,
                "data-attribution": settings.MAP_ATTRIBUTION,
                "data-center": ",".join(str(x) for x in settings.MAP_CENTER),
                **labels,
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        # A new object's empty geometry: an empty box rather than the word "null".
        return "" if value in (None, "null") else super().format_value(value)

    class Media:
        css = {"all": ("vendor/leaflet/leaflet.css", "situation/geometry-widget.css")}
        js = ("vendor/leaflet/leaflet.js", "situation/geometry-widget.js")
