"""Public results of a survey with 100,000 responses (issue: render in under 200 ms).

The responses and their answers are bulk-written, the counters set from them with one
aggregate per table, then ten more responses go through the real service; the check that
every counter equals a count of the answers proves the two agree. The results page and the
results API are then loaded over one connection each (bench/pages.py), so a latency is the
server's time plus a loopback round trip.
"""

from __future__ import annotations

from bench import pages
from bench.registry import Figure, benchmark

RESPONSES = 100_000
GOAL_MS = 200
VIEWS = {"page": "/surveys/bench/results/", "api": "/api/v1/surveys/bench/results"}

SEED = """
import random
from django.db.models import Count
from django.contrib.auth.models import AnonymousUser
from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.services import user_set_roles
from hromada.directory.models import Addressee
from hromada.surveys import services
from hromada.surveys.models import Answer, Option, Question, Response, Survey
from hromada.surveys.responses import response_submit
admin = User.objects.create(email="bench-admin@rada.example", is_superuser=True)
addressee = Addressee.objects.create(kind="service_centre", name="ЦНАП", slug="bench-cnap")
survey = services.survey_create(admin, title="Якість обслуговування", slug="bench",
                                addressee_id=addressee.pk, allow_anonymous=True)
add = lambda kind, text, **kw: services.question_save(admin, survey_id=survey.pk, kind=kind,
                                                      text=text, **kw)
rating = add("rating", "Загальна оцінка", is_required=True, counts_for_quality=True)
single = add("single", "Скільки чекали?",
             options=["До 10 хв", "10–30 хв", "30–60 хв", "Понад годину"])
multiple = add("multiple", "Що сподобалося?", allow_other=True,
               options=["Ввічливість", "Швидкість", "Пояснення", "Запис онлайн", "Чистота"])
scale = add("scale", "Чи порадите?")
add("long_text", "Що покращити?")
services.survey_publish(admin, survey_id=survey.pk)
options = {{q.pk: list(q.options.all()) for q in (rating, single, multiple, scale)}}
rng = random.Random(2026)
total, batch = {total}, 5000
for start in range(0, total, batch):
    size = min(batch, total - start)
    responses = Response.objects.bulk_create(
        [Response(survey=survey, addressee=addressee) for _ in range(size)])
    answers = []
    for response in responses:
        answers.append(Answer(response=response, question=rating,
                              option=rng.choice(options[rating.pk])))
        answers.append(Answer(response=response, question=single,
                              option=rng.choice(options[single.pk])))
        for option in rng.sample(options[multiple.pk], 2):
            answers.append(Answer(response=response, question=multiple, option=option))
        answers.append(Answer(response=response, question=scale,
                              option=rng.choice(options[scale.pk])))
    Answer.objects.bulk_create(answers, batch_size=5000)
# The counters, from the answers: what the service would have kept.
for row in Answer.objects.filter(option__isnull=False).values("option").annotate(n=Count("pk")):
    Option.objects.filter(pk=row["option"]).update(count=row["n"])
for row in Answer.objects.values("question").annotate(n=Count("response", distinct=True)):
    Question.objects.filter(pk=row["question"]).update(answered_count=row["n"])
Survey.objects.filter(pk=survey.pk).update(response_count=total)
for _ in range(10):
    response_submit(AnonymousUser(), survey_id=survey.pk, answers={{
        rating.key: 5, single.key: options[single.pk][0].pk,
        multiple.key: [options[multiple.pk][1].pk], f"{{multiple.key}}_other": "Графік",
        scale.key: 10, "q" + str(survey.questions.get(kind="long_text").pk): "Більше вікон"}})
counted = dict(Answer.objects.filter(option__isnull=False).values_list("option")
               .annotate(n=Count("pk")))
for option in Option.objects.filter(question__survey=survey):
    assert option.count == counted.get(option.pk, 0), (option.pk, option.count)
survey.refresh_from_db()
assert survey.response_count == Response.objects.filter(survey=survey).count() == total + 10
# Statistics now, so that the database's own housekeeping after the bulk load (autovacuum)
# does not run during the measurement.
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
print(survey.response_count)
"""


def run(ctx, server, database: str) -> list[Figure]:
    pages.seed(
        server,
        SEED.format(total=RESPONSES),
        expect=str(RESPONSES + 10),
        what="the survey",
        timeout_s=1800,
    )
    return pages.measure(
        ctx,
        server,
        VIEWS,
        name=f"surveys.{database}",
        key=f"surveys.results.{database}",
        label=f"survey results ({{view}}), {RESPONSES:,} responses, {database}",
    )


@benchmark("surveys.results")
def results(ctx) -> list[Figure]:
    """Public results (page and API) of a survey with 100,000 responses, SQLite and PostgreSQL."""
    ctx.fact("surveys.results goal", f"under {GOAL_MS} ms with {RESPONSES:,} responses")
    return pages.on_both_databases(ctx, lambda server, database: run(ctx, server, database))
