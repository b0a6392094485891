"""The demo city's territory: districts of the fictional Novoiarsk community."""

import json
from pathlib import Path

from hromada.core.services import district_upsert

DISTRICTS_FILE = Path(__file__).parent / "demo_data" / "districts.geojson"


def load(*, stdout) -> None:
    collection = json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        properties = feature["properties"]
        district_upsert(
            slug=properties["slug"],
            name=properties["name"],
            kind=properties["kind"],
            boundary=feature["geometry"],
        )
    stdout.write(f"Districts: {len(collection['features'])}")
