"""The demo partner: a city-reporting app with an Open311 key, and the attributes the demo's
road and lighting services ask for. Safe to run again.

The demo key's plain value is derived from a demo-only constant, so that the README can name
it, like the demo passwords; only this loader (DEBUG only) ever creates it.
"""

import hashlib

from hromada.appeals.models import Category
from hromada.integrations.models import ApiKey, Partner, Scope
from hromada.integrations.services import api_key_issue
from hromada.open311.models import Datatype, ServiceAttribute

DEMO_KEY_SEED = "hromada-demo-2026:open311"
DEMO_KEY_PREFIX = "demo2026"
DEMO_API_KEY = f"hrm_{DEMO_KEY_PREFIX}_{hashlib.sha256(DEMO_KEY_SEED.encode()).hexdigest()[:40]}"
DEMO_PARTNER = {
    "slug": "misto-app",
    "name": "ГО «Місто без ям» (застосунок «Мій двір»)",
    "contact_email": "dev@misto-app.example",
    "note": "Громадська організація: мобільний застосунок для повідомлень про проблеми.",
}
ATTRIBUTES = {
    "roads": [
        {
            "code": "size",
            "description": "Розмір пошкодження",
            "datatype": Datatype.SINGLEVALUELIST,
            "required": True,
            "values": [
                {"key": "small", "name": "Невелике (до 30 см)"},
                {"key": "medium", "name": "Середнє (30–100 см)"},
                {"key": "large", "name": "Велике (понад 1 м)"},
            ],
        },
        {
            "code": "danger",
            "description": "Небезпечно для руху",
            "datatype": Datatype.SINGLEVALUELIST,
            "required": False,
            "values": [{"key": "yes", "name": "Так"}, {"key": "no", "name": "Ні"}],
        },
    ],
    "lighting": [
        {
            "code": "poles",
            "description": "Скільки ліхтарів не світить",
            "datatype": Datatype.NUMBER,
            "required": False,
            "datatype_description": "Ціле число",
        },
    ],
}


def load(*, stdout) -> None:
    partner, _created = Partner.objects.get_or_create(
        slug=DEMO_PARTNER["slug"],
        defaults={k: v for k, v in DEMO_PARTNER.items() if k != "slug"},
    )
    if not ApiKey.objects.filter(prefix=DEMO_KEY_PREFIX).exists():
        api_key_issue(
            actor=None,
            name="Open311: застосунок «Мій двір»",
            scope=Scope.OPEN311,
            partner=partner,
            rate_limit=120,
            prefix=DEMO_KEY_PREFIX,
            plain=DEMO_API_KEY,
        )
    for slug, attributes in ATTRIBUTES.items():
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            continue
        for order, attribute in enumerate(attributes, 1):
            ServiceAttribute.objects.get_or_create(
                category=category,
                code=attribute["code"],
                defaults={**{k: v for k, v in attribute.items() if k != "code"}, "order": order},
            )
    stdout.write(f"Open311 demo key of «{partner.name}»: {DEMO_API_KEY}")
