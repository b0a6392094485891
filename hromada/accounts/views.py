from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hromada.accounts.forms import ProfileForm
from hromada.accounts.selectors import profile_missing_fields
from hromada.accounts.services import user_profile_update
from hromada.core.errors import ApplicationError


@login_required
def cabinet(request):
    return render(
        request,
        "accounts/cabinet.html",
        {"missing": profile_missing_fields(request.user)},
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(user=request.user, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    # The form edits request.user in place while validating; show the saved state's gaps.
    request.user.refresh_from_db()
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "missing": profile_missing_fields(request.user)},
    )
