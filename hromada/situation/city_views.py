"""Public pages of the city's works, excavation permits and the yard-repair list."""

from django.shortcuts import render

from hromada.situation import city_selectors


def works(request):
    return render(
        request,
        "situation/works.html",
        {
            "works": list(city_selectors.works_current()),
            "layers": city_selectors.public_layers(),
        },
    )


def permits(request):
    overdue_only = request.GET.get("overdue") == "1"
    return render(
        request,
        "situation/permits.html",
        {
            "permits": list(city_selectors.permits_registry(overdue_only=overdue_only)),
            "overdue_only": overdue_only,
        },
    )


def yards(request):
    return render(
        request,
        "situation/yards.html",
        {"ranked": city_selectors.yards_ranked(), "weights": city_selectors.yard_weights()},
    )
