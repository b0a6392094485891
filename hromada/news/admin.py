"""Administration of the news. Posts are written and moved between states only through the
services (the same as the office's pages), so the admin's changes are checked and audited
like any other; topics and announcements are read here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hromada.core.errors import ApplicationError
from hromada.news import services
from hromada.news.forms import PostForm
from hromada.news.models import FanOut, Post, PostFile, Subscription, Tag


class PostAdminForm(forms.ModelForm):
    tag_names = forms.CharField(
        label=_("Topics"),
        required=False,
        help_text=_("Separated by commas, for example: тепло, ремонт доріг."),
    )
    # The same fields as the office's form; the files are checked by their content by the
    # same service, and stored by it with the post.
    images = PostForm.base_fields["images"]
    image_alt = PostForm.base_fields["image_alt"]
    attachments = PostForm.base_fields["attachments"]
    remove_files = forms.TypedMultipleChoiceField(
        label=_("Remove files"),
        required=False,
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Post
        fields = ["addressee", "category", "title", "body", "district"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tag_names"].initial = ", ".join(
                tag.name for tag in self.instance.tags.all()
            )
            self.fields["remove_files"].choices = [
                (f.pk, f.name) for f in self.instance.files.all()
            ]

    def clean(self):
        cleaned = super().clean()
        kept = 0
        if self.instance.pk:
            remove = set(cleaned.get("remove_files") or [])
            kept = self.instance.files.exclude(pk__in=remove).count()
        try:
            services.post_files_check(
                images=cleaned.get("images") or [],
                attachments=cleaned.get("attachments") or [],
                already=kept,
            )
        except ApplicationError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return cleaned

    def clean_tag_names(self):
        try:
            return services.tag_names(self.cleaned_data["tag_names"])
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc


class PostFileInline(admin.TabularInline):
    model = PostFile
    fields = ["kind", "name", "content_type", "size", "alt"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = ["title", "addressee", "category", "state", "published_at", "publish_at"]
    list_filter = ["state", "category", "district"]
    search_fields = ["title", "addressee__name"]
    date_hierarchy = "published_at"
    list_select_related = ["addressee"]
    autocomplete_fields = ["addressee"]
    inlines = [PostFileInline]
    actions = ["publish_now", "unpublish"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # A new post has no files to remove.
        return fields if obj else [f for f in fields if f != "remove_files"]

    def get_readonly_fields(self, request, obj=None):
        return ["addressee"] if obj else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "category": data["category"],
            "title": data["title"],
            "body": data["body"],
            "district_id": data["district"].pk if data.get("district") else None,
            "tags": data.get("tag_names", []),
            "images": data.get("images") or [],
            "image_alt": data.get("image_alt", ""),
            "attachments": data.get("attachments") or [],
        }
        if change:
            fields["remove_files"] = data.get("remove_files") or []
        try:
            if change:
                saved = services.post_update(actor=request.user, post_id=obj.pk, **fields)
            else:
                saved = services.post_create(
                    actor=request.user, addressee_id=data["addressee"].pk, **fields
                )
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The topics and files were saved by the service (no form.save_m2m); the inline only
        # lists the files.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # unpublish instead: the audit trail and the subscribers refer to it

    def _act(self, request, queryset, act, done):
        count = 0
        for post in queryset:
            try:
                act(actor=request.user, post_id=post.pk)
            except ApplicationError as exc:
                self.message_user(request, f"{post}: {exc.message}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Publish now"))
    def publish_now(self, request, queryset):
        self._act(request, queryset, services.post_publish, _("Published: %(count)d."))

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        self._act(request, queryset, services.post_unpublish, _("Unpublished: %(count)d."))


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]


@admin.register(FanOut)
class FanOutAdmin(admin.ModelAdmin):
    list_display = ["post", "recipients", "immediate", "daily", "created_at", "finished_at"]
    list_select_related = ["post"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Read-only: a resident's subscriptions are theirs to change."""

    list_display = ["user", "addressee", "district", "tag", "category", "query", "frequency"]
    list_filter = ["frequency", "category"]
    list_select_related = ["user", "addressee", "district", "tag"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
