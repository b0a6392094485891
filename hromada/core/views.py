from urllib.parse import urlencode

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hromada.core.scheduling import worker_seen_recently


def home(request):
    return render(request, "core/home.html")


@require_GET
@never_cache
def healthz(request):
    """The process is alive and answering; touches nothing else."""
    return JsonResponse({"status": "ok"})


_migrations_applied = False


def migrations_applied() -> bool:
    """Once every migration is applied it stays so for this process; the check is costly."""
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


@require_GET
@never_cache
def readyz(request):
    """Ready for traffic: the database answers, migrations are applied, a worker is alive."""
    checks = {"database": False, "migrations": False, "worker": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = True
        checks["migrations"] = migrations_applied()
        checks["worker"] = worker_seen_recently()
    except DatabaseError:
        pass
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )


def admin_login(request):
    if request.user.is_authenticated and not request.user.is_staff:
        # Sending a signed-in resident to log in again would bounce back here for ever.
        return error_403(request)
    next_url = request.GET.get("next", "/admin/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/admin/"
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # Rendered without the database or context processors: they may be what failed.
    return render(request, "500.html", status=500, using=None)
