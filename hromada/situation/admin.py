from django.contrib import admin

from hromada.situation import services
from hromada.situation.models import Address, Support


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("street", "house", "latitude", "longitude")
    search_fields = ("search_text",)
    fields = ("street", "house", "latitude", "longitude")

    def save_model(self, request, obj, form, change):
        saved = services.address_upsert(
            street=obj.street, house=obj.house, latitude=obj.latitude, longitude=obj.longitude
        )
        obj.pk, obj.search_text = saved.pk, saved.search_text


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    """Read-only: supports are given and withdrawn by residents themselves."""

    list_display = ("appeal", "user", "created_at")
    list_select_related = ("appeal", "user")
    raw_id_fields = ("appeal", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
