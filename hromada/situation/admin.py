from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hromada.core.errors import ApplicationError
from hromada.situation import city_services, services
from hromada.situation.models import (
    Address,
    CityObject,
    ExcavationPermit,
    LayerType,
    PermitClaim,
    Support,
    Work,
    Yard,
)
from hromada.situation.widgets import GeometryMapWidget


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ("street", "house", "code", "latitude", "longitude")

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in ("street", "house", "latitude", "longitude")):
            try:
                services.address_clean(
                    street=data["street"],
                    house=data["house"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    code=data.get("code", ""),
                )
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Through the register's service; the form has checked both unique constraints."""

    form = AddressForm
    list_display = ("street", "house", "code", "latitude", "longitude")
    search_fields = ("search_text", "code")

    def save_model(self, request, obj, form, change):
        saved = services.address_upsert(
            street=obj.street,
            house=obj.house,
            latitude=obj.latitude,
            longitude=obj.longitude,
            code=obj.code,
            address=obj if change else None,
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


# --- City objects, works, permits, yards: the admin writes through the services --------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON or CSV file"),
        help_text=_(
            "GeoJSON: a FeatureCollection, the name in properties.name. CSV (UTF-8): columns "
            "name, latitude, longitude (or geometry as GeoJSON) and the layer's attributes."
        ),
    )


@admin.register(LayerType)
class LayerTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "geometry_type", "is_public", "object_count")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("import_link",)

    @admin.display(description=_("import"))
    def import_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:situation_layertype_import", args=[obj.pk]),
            _("Import objects from GeoJSON or CSV"),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(objects_total=Count("city_objects"))

    @admin.display(description=_("objects"))
    def object_count(self, obj):
        return obj.objects_total

    def save_model(self, request, obj, form, change):
        city_services.layer_type_save(actor=request.user, layer=obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="situation_layertype_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk: int):
        layer = LayerType.objects.filter(pk=pk).first()
        if layer is None or not self.has_change_permission(request, layer):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = city_services.city_objects_import(
                    actor=request.user, layer=layer, upload=form.cleaned_data["file"]
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                self.message_user(request, _("Imported %(count)d objects.") % {"count": count})
                return redirect("admin:situation_layertype_change", layer.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "layer": layer,
            "form": form,
            "title": _("Import objects into «%(layer)s»") % {"layer": layer.name},
        }
        return TemplateResponse(request, "admin/situation/import.html", context)


class BoxedAdmin(admin.ModelAdmin):
    exclude = ("min_lat", "max_lat", "min_lon", "max_lon")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "geometry":
            kwargs["widget"] = GeometryMapWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        self.save_with_service(request, obj)


@admin.register(CityObject)
class CityObjectAdmin(BoxedAdmin):
    list_display = ("name", "layer", "updated_at")
    list_filter = ("layer",)
    list_select_related = ("layer",)
    search_fields = ("name",)

    def save_with_service(self, request, obj):
        saved = city_services.city_object_save(
            actor=request.user,
            layer=obj.layer,
            name=obj.name,
            geometry=obj.geometry,
            values=obj.values,
            pk=obj.pk,
        )
        obj.pk = saved.pk


@admin.register(Work)
class WorkAdmin(BoxedAdmin):
    list_display = ("title", "contractor", "starts_on", "ends_on", "is_public")
    list_filter = ("is_public",)
    search_fields = ("title", "contractor")
    date_hierarchy = "starts_on"

    def save_with_service(self, request, obj):
        city_services.work_save(actor=request.user, work=obj, geometry=obj.geometry)


class PermitClaimInline(admin.TabularInline):
    model = PermitClaim
    extra = 0
    can_delete = False
    readonly_fields = ("recipient_kind", "recipient", "created_at", "sent_at", "attempts")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExcavationPermit)
class ExcavationPermitAdmin(BoxedAdmin):
    list_display = ("number", "contractor", "place", "restore_by", "closed_on", "overdue_since")
    list_filter = ("closed_on",)
    search_fields = ("number", "contractor", "place")
    readonly_fields = ("overdue_since",)
    inlines = [PermitClaimInline]
    actions = ["close_today"]

    def save_with_service(self, request, obj):
        city_services.permit_save(actor=request.user, permit=obj, geometry=obj.geometry)

    @admin.action(description=_("Close: the surface is restored today"))
    def close_today(self, request, queryset):
        closed = 0
        for permit in queryset:
            try:
                city_services.permit_close(
                    actor=request.user, permit_id=permit.pk, closed_on=timezone.localdate()
                )
            except ApplicationError as exc:
                self.message_user(request, f"{permit}: {exc.message}", level=messages.WARNING)
            else:
                closed += 1
        self.message_user(request, _("Closed %(count)d permits.") % {"count": closed})


@admin.register(Yard)
class YardAdmin(BoxedAdmin):
    list_display = ("address", "apartments", "area_m2", "appeals_count", "counted_at")
    search_fields = ("address",)
    readonly_fields = ("appeals_count", "counted_at")

    def save_with_service(self, request, obj):
        saved = city_services.yard_save(actor=request.user, yard=obj, geometry=obj.geometry)
        obj.pk = saved.pk
