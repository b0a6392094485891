"""The public catalogue of addressees with 2,000 entries (issue: under 100 ms server time).

Each view is loaded over one connection (bench/pages.py).
"""

from __future__ import annotations

from bench import pages
from bench.registry import Figure, benchmark

ADDRESSEES = 2000
VIEWS = {"tree": "/directory/", "list": "/directory/?view=list", "map": "/directory/?view=map"}
GOAL_MS = 100

# 20 departments × 9 units × ~10 officials = 2,000, three levels, every office on the map.
SEED = """
from hromada.directory.models import Addressee
from hromada.directory.services import normalize_search
total = {total}
def row(slug, kind, name, parent=None, person=""):
    return Addressee(slug=slug, kind=kind, name=name, parent=parent, person_name=person,
                     search_text=normalize_search(name + " " + person),
                     office_address="вул. Соборна, 1", latitude=49.1, longitude=33.4)
roots = Addressee.objects.bulk_create(
    [row(f"d{{i}}", "department", f"Управління {{i}}") for i in range(20)])
units = Addressee.objects.bulk_create(
    [row(f"d{{i}}-u{{j}}", "unit", f"Відділ {{j}} управління {{i}}", roots[i])
     for i in range(20) for j in range(9)])
left = total - len(roots) - len(units)
Addressee.objects.bulk_create(
    [row(f"o{{k}}", "official", f"Головний спеціаліст {{k}}", units[k % len(units)],
         "Іваненко Іван Іванович") for k in range(left)])
print(Addressee.objects.count())
"""


def run(ctx, server, database: str) -> list[Figure]:
    pages.seed(server, SEED.format(total=ADDRESSEES), expect=str(ADDRESSEES), what="the directory")
    return pages.measure(
        ctx,
        server,
        VIEWS,
        name=f"directory.{database}",
        key=f"directory.{database}",
        label=f"catalogue ({{view}}), {ADDRESSEES} addressees, {database}",
    )


@benchmark("directory.catalogue")
def catalogue(ctx) -> list[Figure]:
    """The public catalogue (tree, list, map) with 2,000 addressees, SQLite and PostgreSQL."""
    ctx.fact("directory.catalogue goal", f"under {GOAL_MS} ms server time with {ADDRESSEES}")
    return pages.on_both_databases(ctx, lambda server, database: run(ctx, server, database))
