"""The situation centre's dashboard page (operators, administrators, heads of addressees)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import render

from hromada.appeals.models import Kind
from hromada.core.errors import PermissionDenied
from hromada.situation.dashboard import dashboard_for


@login_required
def dashboard(request):
    try:
        board = dashboard_for(user=request.user, kind=request.GET.get("kind", ""))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    peak = max([m["received"] for m in board.trend] + [1])
    heat_peak = max([cell["count"] for cell in board.heat] + [1])
    return render(
        request,
        "situation/dashboard.html",
        {
            "board": board,
            "kinds": [(k.value, k.label) for k in Kind if k != Kind.CORRUPTION_REPORT],
            "chart": _chart(board.trend, peak),
            "chart_width": 16 + len(board.trend) * (2 * BAR + 12),
            "heat": [{**cell, "share": round(cell["count"] / heat_peak, 3)} for cell in board.heat],
        },
    )


CHART_HEIGHT = 160
BAR = 14


def _chart(trend: list[dict], peak: int) -> list[dict]:
    """Bars of the trend chart, drawn as SVG on the server: received and done per month."""
    bars = []
    for index, month in enumerate(trend):
        x = 8 + index * (2 * BAR + 12)
        received = round(month["received"] / peak * CHART_HEIGHT)
        done = round(month["done"] / peak * CHART_HEIGHT)
        bars.append(
            {
                **month,
                "x": x,
                "x_done": x + BAR,
                "label_x": x + BAR,
                "received_h": received,
                "received_y": 10 + CHART_HEIGHT - received,
                "done_h": done,
                "done_y": 10 + CHART_HEIGHT - done,
            }
        )
    return bars
