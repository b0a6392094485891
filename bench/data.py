"""Synthetic appeals: deterministic, so every run inserts the same kind of rows."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

# Sentences of the kind residents write; joined at random into a body of about BODY_BYTES.
SENTENCES = [
    "Прошу вжити заходів щодо ремонту дорожнього покриття на вулиці Шевченка.",
    "Біля будинку номер дванадцять уже третій тиждень не працює вуличне освітлення.",
    "У під'їзді нашого будинку протікає дах, вода потрапляє до квартир верхнього поверху.",
    "Контейнери для сміття на розі вулиць Франка та Лесі Українки не вивозяться вчасно.",
    "Просимо встановити пішохідний перехід біля школи, діти переходять дорогу небезпечно.",
    "На дитячому майданчику зламані гойдалки, а пісочниця потребує заміни піску.",
    "Опалення в квартирах подається нерівномірно, температура не перевищує шістнадцяти градусів.",
    "Прошу надати інформацію про графік ремонту тротуару вздовж проспекту Незалежності.",
    "Автобус маршруту номер сім систематично не дотримується розкладу у вечірні години.",
    "Просимо обрізати аварійні дерева у дворі, гілки нависають над лініями електропередач.",
    "Після дощу на перехресті утворюється велика калюжа, злива не працює.",
    "Прошу перевірити законність встановлення кіоску на зеленій зоні біля парку.",
]
KINDS = ["complaint", "proposal", "request"]
BODY_BYTES = 1024
# Novoiarsk, the demo city, roughly; appeals carry where the problem is.
CENTRE = (49.84, 24.03)
# The statutory answer period for a citizen's appeal in Ukraine.
ANSWER_PERIOD = timedelta(days=30)


def body(rng: random.Random) -> str:
    parts: list[str] = []
    while len(" ".join(parts).encode()) < BODY_BYTES:
        parts.append(rng.choice(SENTENCES))
    return " ".join(parts)


def appeal_rows(count: int, *, start: int = 1, seed: int = 2025) -> Iterator[dict[str, Any]]:
    """`count` appeal-like rows, numbered from `start` so registration numbers stay unique."""
    rng = random.Random(seed + start)
    now = datetime.now(UTC)
    for number in range(start, start + count):
        created = now + timedelta(seconds=number)
        yield {
            "registration_number": f"ЗВ-{created.year}-{number:07d}",
            "kind": rng.choice(KINDS),
            "status": "registered",
            "author_id": rng.randint(1, 50_000),
            "addressee_id": rng.randint(1, 40),
            "body": body(rng),
            "lat": CENTRE[0] + rng.uniform(-0.05, 0.05),
            "lon": CENTRE[1] + rng.uniform(-0.05, 0.05),
            "created_at": created,
            "due_at": created + ANSWER_PERIOD,
            "payload": {
                "channel": rng.choice(["web", "api", "phone"]),
                "address": f"вул. Шевченка, {rng.randint(1, 120)}",
                "attachments": rng.randint(0, 3),
                "consent_personal_data": True,
            },
        }
