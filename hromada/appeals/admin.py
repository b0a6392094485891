from django.contrib import admin

from hromada.appeals.models import Category, RoutingRule
from hromada.core.admin import AuditedAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["name", "slug", "for_problem_reports", "is_active", "order"]
    list_editable = ["order"]
    list_filter = ["is_active", "for_problem_reports"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    """The administrator's routing rules: category × district → addressee."""

    list_display = ["category", "district", "addressee", "priority", "is_active", "note"]
    list_filter = ["is_active", "category", "district"]
    list_select_related = ["category", "district", "addressee"]
    autocomplete_fields = ["addressee"]
    search_fields = ["category__name", "district__name", "addressee__name", "note"]
