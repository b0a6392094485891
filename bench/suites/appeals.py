"""Appeals: intake end to end through HTTP, and the staff queue with a million appeals.

- appeals.intake: signed-in residents with complete profiles POST problem reports to
  /api/v1/appeals/ through gunicorn with the production settings, on SQLite and on
  PostgreSQL. Each request runs the whole intake: the flood limit, validation, the district
  of the point, routing by category and district, the legal deadline, the journal number,
  the events and three notification jobs enqueued, in one transaction. Figures: accepted
  appeals per second, wrk's latency, and the server's own time per request (p50, p99) read
  from the request log.
- appeals.queue: the back office's queue page (/office/appeals/) for an operator, with a
  million appeals in the database: all appeals, one addressee's, and one state's. The goal is
  under 100 ms server time at p95. EXPLAIN shows which index PostgreSQL and SQLite use.

The seeding runs inside `manage.py shell` with the server's environment (the functions
below that import Django); the measuring runs here, with wrk.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.appserver import REPO
from bench.registry import BenchError, Figure, benchmark

INTAKE_RESIDENTS = 3000  # 20 appeals an hour each (APPEAL_RATE_LIMIT): room for 60,000
INTAKE_CONNECTIONS = 16  # as the http.healthz floor
INTAKE_THREADS = 2
QUEUE_APPEALS = 1_000_000
QUEUE_GOAL_MS = 100
QUERY_REPEATS = 100
MAX_ERROR_SHARE = 0.001
# Residents of the bench have no password at all: they only ever use the session made for them.
UNUSABLE = "!"
DEPARTMENT = "zvernennia@novoiarsk.example"
CSRF = "benchcsrf0123456789abcdefABCDEF0"  # any 32 letters and digits: cookie and header
OPERATOR = "operator@novoiarsk.example"

# A problem report a resident sends from the app: a category and a point, no addressee, so
# the routing rules decide (lighting in the Central district -> КП «Міськсвітло»).
BODY = {
    "kind": "problem_report",
    "subject": "Не працює вуличне освітлення на вул. Шевченка",
    "text": "На вул. Шевченка від будинку № 12 до будинку № 20 не горить жоден ліхтар. "
    "Увечері люди повертаються з роботи в повній темряві. Прошу відновити освітлення.",
    "category": "lighting",
    "latitude": 49.1052,
    "longitude": 33.4011,
    "location_text": "вул. Шевченка, 12, м. Новоярськ",
    "is_public": True,
}

# Each wrk thread walks the residents' sessions from its own starting point, so that the
# per-person flood limit holds as it does for real people.
SESSIONS_LUA = """
local sessions = {%(sessions)s}
local csrf = "%(csrf)s"
local counter = 0
local n = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
init = function(args)
  n = (id or 0) * 7919
end
request = function()
  n = n + 1
  local key = sessions[(n %% #sessions) + 1]
  wrk.headers["Cookie"] = "sessionid=" .. key .. "; csrftoken=" .. csrf
  return wrk.format()
end
"""


# --- Seeding (run inside `manage.py shell`) -----------------------------------------------------


def _load_demo_city() -> None:
    """Districts, the directory, categories and routing rules, staff with their addressees."""
    import io

    from django.core.management import call_command

    from hromada.accounts import demo as accounts
    from hromada.appeals import demo as appeals
    from hromada.core import demo as core
    from hromada.directory import demo as directory

    call_command("createcachetable")  # the rate limits live in the database cache
    for loader in (core, accounts, directory):
        loader.load(stdout=io.StringIO())
    appeals.load(stdout=io.StringIO(), count=60, residents=10)


def _session(user, *, staff: bool = False):
    """A signed-in session as allauth leaves it; for staff, with the passed TOTP step that
    StaffTwoFactorMiddleware asks for."""
    import time
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    if staff:
        now = time.time()
        data["account_authentication_methods"] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        data["account_authentication_methods_user"] = str(user.pk)
    return Session(
        session_key=get_random_string(32),
        session_data=SessionStore().encode(data),
        expire_date=timezone.now() + timedelta(days=1),
    )


def seed_intake(residents: int, out: str) -> None:
    """The demo city, and ``residents`` residents with complete profiles, each signed in."""
    from django.contrib.sessions.models import Session

    from hromada.accounts.models import User

    _load_demo_city()
    users = User.objects.bulk_create(
        User(
            email=f"bench{n:05d}@residents.example",
            password=UNUSABLE,
            last_name="Мешканець",
            first_name="Тестовий",
            patronymic="Іванович",
            postal_address=f"вул. Шевченка, {n % 120 + 1}, м. Новоярськ",
            phone="+380671234567",
        )
        for n in range(residents)
    )
    sessions = Session.objects.bulk_create(_session(user) for user in users)
    Path(out).write_text(json.dumps({"sessions": [s.session_key for s in sessions]}))


def _appeal_pools():
    """What the synthetic appeals refer to, read before the first row is written: while
    COPY runs, the connection can do nothing else."""
    from types import SimpleNamespace

    from django.db import connection
    from django.utils import timezone

    from hromada.appeals.demo_data import texts
    from hromada.appeals.models import Appeal, Category, Journal, JournalCounter, Kind, State
    from hromada.core.models import District
    from hromada.directory.models import Addressee, Membership

    staffed: dict[int, list[int]] = {}
    for addressee_id, user_id in Membership.objects.values_list("addressee_id", "user_id"):
        staffed.setdefault(addressee_id, []).append(user_id)
    # Appeals go where staff answer them; the appeals department itself receives none.
    department = Addressee.objects.get(slug="viddil-zvernen").pk
    problems = [
        (issue["subject"], issue["problem"])
        for data in texts.CATEGORIES.values()
        for issue in data["issues"]
        if "[[" not in issue["subject"] + issue["problem"]
    ]
    pools = SimpleNamespace(
        now=timezone.now(),
        categories=list(Category.objects.values_list("pk", flat=True)),
        districts=list(District.objects.values_list("pk", flat=True)),
        staffed=staffed,
        addressees=[pk for pk in staffed if pk != department],
        subjects=[(s.format_map(_Blank()), t.format_map(_Blank())) for s, t in problems],
        names=[("Шевченко", "Олена", "Петрівна"), ("Коваленко", "Андрій", "Іванович"),
               ("Бондар", "Ірина", "Василівна"), ("Мельник", "Тарас", "Іванович")],
        kinds=[Kind.PROBLEM_REPORT] * 5 + [Kind.APPLICATION] * 3 + [Kind.COMPLAINT, Kind.PROPOSAL],
        final=[State.CLOSED] * 17 + [State.FORWARDED, State.RETURNED, State.NOT_CONSIDERED],
        opened=[State.SUBMITTED, State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS],
        adapt=connection.ops.adapt_datetimefield_value,
        fields=[f for f in Appeal._meta.concrete_fields if not f.primary_key],
        # The journal goes on from the demo's numbers; _bulk_insert stores where it ended.
        counters=dict(
            JournalCounter.objects.filter(journal=Journal.APPEALS).values_list("year", "value")
        ),
    )  # fmt: skip
    return pools


def _rows(total: int, pools):
    """``total`` appeals over five years, mostly decided long ago, a few thousand open: the
    journal of a city of some hundreds of thousands, as values the database stores."""
    import random
    from datetime import UTC, datetime, time, timedelta

    from hromada.appeals.models import State
    from hromada.core.deadlines import KYIV
    from hromada.directory.services import normalize_search

    rng = random.Random(2026)
    p, now, adapt = pools, pools.now, pools.adapt
    span = timedelta(days=5 * 365)
    start = now - span
    counters = pools.counters
    for n in range(total):
        received = start + span * (n / total) + timedelta(seconds=rng.randint(0, 600))
        age = now - received
        if age < timedelta(days=40):
            state = rng.choice([*p.opened, State.ANSWERED])
        elif age < timedelta(days=70):
            state = rng.choice([*p.final, State.ANSWERED])
        else:
            state = rng.choice(p.final)
        local = received.astimezone(KYIV)
        due = datetime.combine(local.date() + timedelta(days=30), time.max, KYIV)
        year = local.year
        counters[year] = counters.get(year, 0) + 1
        last, first, patronymic = rng.choice(p.names)
        number = f"{last[0]}-{year}-{counters[year]:06d}"
        subject, text = rng.choice(p.subjects)
        addressee = rng.choice(p.addressees)
        waiting = state == State.SUBMITTED
        answered = min(received + timedelta(days=rng.uniform(2, 28)), now - timedelta(hours=1))
        closed = min(answered + timedelta(days=30), now)
        values = {
            "number": number,
            "kind": rng.choice(p.kinds),
            "state": state,
            "channel": "web",
            "subject": subject,
            "text": text,
            "category_id": rng.choice(p.categories),
            "addressee_id": None if waiting else addressee,
            "district_id": rng.choice(p.districts),
            "author_last_name": last,
            "author_first_name": first,
            "author_patronymic": patronymic,
            "author_address": "вул. Шевченка, 1, м. Новоярськ",
            "executor_id": None if waiting else rng.choice(p.staffed[addressee]),
            "received_at": adapt(received),
            "registered_at": None if waiting else adapt(received),
            "due_at": adapt(due.astimezone(UTC)),
            "answered_at": adapt(answered) if state in (State.ANSWERED, State.CLOSED) else None,
            "closed_at": adapt(closed) if state in p.final else None,
            "is_overdue": state in p.opened and due < now,
            "updated_at": adapt(closed if state in p.final else received),
            "search_text": normalize_search(f"{number} {subject} {text} {last} {first}"),
        }
        yield [values[f.attname] if f.attname in values else _default(f) for f in p.fields]


class _Blank(dict):
    """Template placeholders filled with something plausible for synthetic rows."""

    def __missing__(self, key: str) -> str:
        return {"on_street": "вул. Шевченка", "street": "вул. Шевченка"}.get(key, "12")


def _default(field):
    if field.has_default() or (field.blank and field.empty_strings_allowed and not field.null):
        return field.get_default()  # the field's default, or "" for an optional text
    if field.null:
        return None
    # A column the bench does not know yet: say so instead of writing nonsense.
    raise RuntimeError(f"bench/suites/appeals.py: no value for appeals_appeal.{field.column}")


def _bulk_insert(total: int) -> float:
    """Write ``total`` appeals as fast as the database takes them: indexes dropped first and
    built again after, as one restores a dump. Returns the seconds it took."""
    import time

    from django.db import connection, transaction

    from hromada.appeals.models import Appeal, Journal, JournalCounter

    started = time.monotonic()
    table = Appeal._meta.db_table
    columns = [f.column for f in Appeal._meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        pools = _appeal_pools()
        rows = _rows(total, pools)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                names = ", ".join(f'"{c}"' for c in columns)
                insert = (
                    f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["%s"] * len(columns))})'
                )
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 20_000:
                        cursor.executemany(insert, batch)
                        batch = []
                if batch:
                    cursor.executemany(insert, batch)
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for year, value in pools.counters.items():
            JournalCounter.objects.update_or_create(
                journal=Journal.APPEALS, year=year, defaults={"value": value}
            )
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load, so the planner knows the table.
            cursor.execute(f'ANALYZE "{table}"')
    return time.monotonic() - started


QUEUE_VIEWS = {
    "all": "/office/appeals/?queue=all",
    "addressee": "/office/appeals/?queue=all&addressee={addressee}",
    "state": "/office/appeals/?queue=all&state=in_progress",
}


def seed_queue(total: int, out: str) -> None:
    """The demo city plus ``total`` appeals; the operator's session; EXPLAIN of each queue
    and the time of its query alone (selectors.queue and page_after, in this process)."""
    from django.db import connection
    from django.db.models import Count

    from hromada.accounts.models import User
    from hromada.appeals import selectors
    from hromada.appeals.models import Appeal

    _load_demo_city()
    seconds = _bulk_insert(total)
    operator = User.objects.get(email=OPERATOR)
    session = _session(operator, staff=True)
    session.save()
    busiest = (
        Appeal.objects.values("addressee_id")
        .exclude(addressee_id=None)
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    plans, query_ms = {}, {}
    for name, filters in (
        ("all", selectors.Filters()),
        ("addressee", selectors.Filters(addressee_id=busiest["addressee_id"])),
        ("state", selectors.Filters(state="in_progress")),
    ):
        query = selectors.queue(operator, "all", filters)[: selectors.PAGE_SIZE + 1]
        plans[name] = query.explain()
        # The database's part of the page alone: the first page, and one halfway down the
        # queue (keyset pagination should make it cost the same).
        queue = selectors.queue(operator, "all", filters)
        halfway = selectors.encode_cursor(queue[queue.count() // 2])
        for page, cursor in (("first", ""), ("halfway", halfway)):
            query_ms[f"{name}.{page}"] = _timed(
                lambda c=cursor, f=filters: selectors.page_after(
                    selectors.queue(operator, "all", f), c
                )
            )
    Path(out).write_text(
        json.dumps(
            {
                "session": session.session_key,
                "addressee": busiest["addressee_id"],
                "addressee_appeals": busiest["n"],
                "appeals": Appeal.objects.count(),
                "insert_s": seconds,
                "plans": plans,
                "query_ms": query_ms,
                "vendor": connection.vendor,
            }
        )
    )


def _timed(run) -> list[float]:
    """Milliseconds of QUERY_REPEATS calls of ``run``, sorted."""
    import time

    timings = []
    for _ in range(QUERY_REPEATS):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


# --- Measuring ------------------------------------------------------------------------------------


def _shell(server, code: str, timeout: int) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=REPO,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        raise BenchError("seeding failed:\n" + "\n".join(output[-15:]))


def _server_times(log: Path, offset: int, path: str, method: str) -> tuple[list[float], dict]:
    """The request log's durations (ms) of ``method path`` after ``offset``, and the statuses."""
    durations, statuses = [], {}
    with log.open("rb") as handle:
        handle.seek(offset)
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # gunicorn's own lines
            if record.get("message") != "request" or record.get("method") != method:
                continue
            if record.get("path") != path:
                continue
            durations.append(float(record["duration_ms"]))
            statuses[record["status"]] = statuses.get(record["status"], 0) + 1
    return sorted(durations), statuses


def _settle(log: Path, *, quiet_s: float = 1.0, limit_s: float = 30.0) -> int:
    """Wait until the requests still running when wrk stopped are answered and logged (wrk
    does not wait for them), so that one run's requests are not counted in the next; returns
    the log's size then."""
    import time

    deadline = time.monotonic() + limit_s
    size = log.stat().st_size
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        grown = log.stat().st_size
        if grown == size:
            break
        size = grown
    return size


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        raise BenchError("no request was logged")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _intake(ctx, server, database: str) -> list[Figure]:
    work = server.log_path.parent / "intake.json"
    _shell(
        server,
        "from bench.suites.appeals import seed_intake; "
        f"seed_intake({INTAKE_RESIDENTS}, {str(work)!r})",
        timeout=600,
    )
    sessions = json.loads(work.read_text())["sessions"]
    lua = SESSIONS_LUA % {"sessions": ",".join(f'"{s}"' for s in sessions), "csrf": CSRF}
    url = server.url("/api/v1/appeals/")
    request = {
        "method": "POST",
        "body": json.dumps(BODY, ensure_ascii=False),
        "headers": {"Content-Type": "application/json", "X-CSRFToken": CSRF},
        "lua": lua,
        "connections": INTAKE_CONNECTIONS,
        "threads": INTAKE_THREADS,
    }
    ctx.load(url, duration_s=ctx.scaled(3, 1), **request)  # warm-up
    offset = _settle(server.log_path)
    with ctx.watch_cpu(f"appeals.intake.{database}", server.pids()):
        run = ctx.load(url, duration_s=ctx.scaled(15, 3), **request)
    _settle(server.log_path)
    times, statuses = _server_times(server.log_path, offset, "/api/v1/appeals/", "POST")
    accepted = statuses.get(201, 0)
    # 429 is the flood limit answering (see the README: on SQLite its lock can time out under
    # load); it is counted and reported. Anything else is a failure.
    limited = statuses.get(429, 0)
    unexpected = sum(n for status, n in statuses.items() if status not in (201, 429))
    broken = run["error_count"] - run["errors"]["status"]  # connect, read, write, timeout
    if unexpected or accepted == 0 or broken > MAX_ERROR_SHARE * max(run["requests"], 1):
        raise BenchError(f"intake on {database}: statuses {statuses}, wrk {run}")
    ctx.fact(
        f"appeals.intake {database}: accepted / refused by the flood limit (429)",
        f"{accepted} / {limited} ({limited / (accepted + limited):.1%})",
    )
    _shell(
        server,
        "from hromada.appeals.models import Appeal, Event\n"
        "from hromada.messaging.models import Delivery\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "appeals = Appeal.objects.filter(author__email__endswith='@residents.example').count()\n"
        "events = Event.objects.filter(appeal__author__email__endswith='@residents.example')\n"
        "owed = Delivery.objects.filter(channel='email', message__source__startswith='appeals.')\n"
        "assert events.count() >= 3 * appeals, (appeals, events.count())\n"
        "assert owed.count() >= 3 * appeals, (appeals, owed.count())\n"
        "assert DBTaskResult.objects.count() >= owed.count()\n",
        timeout=120,
    )
    ctx.detail(f"appeals.intake.{database}", {"wrk": run, "statuses": statuses})
    key, label = f"appeals.intake.{database}", f"POST appeal (API), {database}"
    seconds = run["duration_us"] / 1e6
    # wrk's count of 2xx answers: the log also has requests that finished after wrk stopped.
    rate = (run["requests"] - run["error_count"]) / seconds
    return [
        Figure(f"{key}.rps", f"{label}, 16 conn", rate, "appeals/s", floor="http.healthz.rps"),
        Figure(
            f"{key}.p50_ms",
            f"{label}, p50",
            run["latency_us"]["p50"] / 1000,
            "ms",
            floor="http.healthz.p50_ms",
            better="lower",
        ),
        Figure(
            f"{key}.p99_ms",
            f"{label}, p99",
            run["latency_us"]["p99"] / 1000,
            "ms",
            floor="http.healthz.p99_ms",
            better="lower",
        ),
        Figure(
            f"{key}.server_p50_ms",
            f"{label}, server time p50",
            _percentile(times, 0.5),
            "ms",
            floor="http.healthz.p50_ms",
            better="lower",
        ),
        Figure(
            f"{key}.server_p99_ms",
            f"{label}, server time p99",
            _percentile(times, 0.99),
            "ms",
            floor="http.healthz.p99_ms",
            better="lower",
        ),
    ]


@benchmark("appeals.intake")
def intake(ctx) -> list[Figure]:
    """POST an appeal through gunicorn (API, signed-in residents), SQLite and PostgreSQL."""
    figures = []
    extra = {"APPEALS_DEPARTMENT_EMAIL": DEPARTMENT}
    with ctx.app_server(extra_env=extra) as server:
        figures += _intake(ctx, server, "sqlite")
    with (
        ctx.pg_database() as database,
        ctx.app_server(database_url=database.url, extra_env=extra) as server,
    ):
        figures += _intake(ctx, server, "postgresql")
    return figures


def _queue(ctx, server, database: str, total: int) -> list[Figure]:
    work = server.log_path.parent / "queue.json"
    _shell(
        server,
        f"from bench.suites.appeals import seed_queue; seed_queue({total}, {str(work)!r})",
        timeout=1800,
    )
    seeded = json.loads(work.read_text())
    ctx.fact(
        f"appeals.queue {database}: appeals in the database",
        f"{seeded['appeals']:,} (bulk insert and index build {seeded['insert_s']:.0f} s)",
    )
    ctx.detail(f"appeals.queue.{database}.plans", seeded["plans"])
    for name, plan in seeded["plans"].items():
        ctx.fact(f"appeals.queue {database} EXPLAIN ({name})", _plan_summary(plan))
    headers = {"Cookie": f"sessionid={seeded['session']}"}
    figures = []
    for name, template in QUEUE_VIEWS.items():
        path = template.format(addressee=seeded["addressee"])
        url = server.url(path)
        # Warm-up: every gunicorn worker renders the page once before the clock starts.
        workers = max(1, server.workers())
        ctx.load(url, duration_s=2, connections=workers, threads=1, headers=headers)
        offset = _settle(server.log_path)
        with ctx.watch_cpu(f"appeals.queue.{database}.{name}", server.pids()):
            run = ctx.load(
                url, duration_s=ctx.scaled(5, 1), connections=1, threads=1, headers=headers
            )
        _settle(server.log_path)
        times, statuses = _server_times(server.log_path, offset, "/office/appeals/", "GET")
        if not run["requests"] or run["error_count"] or set(statuses) != {200}:
            raise BenchError(f"{path} on {database}: statuses {statuses}, wrk {run}")
        ctx.detail(f"appeals.queue.{database}.{name}", {"wrk": run, "server_ms": times})
        key = f"appeals.queue.{database}.{name}"
        label = f"queue ({name}), {seeded['appeals']:,} appeals, {database}"
        figures += [
            Figure(
                f"{key}.server_p95_ms",
                f"{label}, server time p95",
                _percentile(times, 0.95),
                "ms",
                floor="http.healthz.p50_ms",
                better="lower",
            ),
            Figure(
                f"{key}.p50_ms",
                f"{label}, p50",
                run["latency_us"]["p50"] / 1000,
                "ms",
                floor="http.healthz.p50_ms",
                better="lower",
            ),
            Figure(
                f"{key}.p99_ms",
                f"{label}, p99",
                run["latency_us"]["p99"] / 1000,
                "ms",
                floor="http.healthz.p50_ms",
                better="lower",
            ),
        ]
        for page in ("first", "halfway"):
            figures.append(
                Figure(
                    f"{key}.query_{page}_p95_ms",
                    f"{label}, its query alone, {page} page, p95",
                    _percentile(seeded["query_ms"][f"{name}.{page}"], 0.95),
                    "ms",
                    floor="http.healthz.p50_ms",
                    better="lower",
                )
            )
    return figures


def _plan_summary(plan: str) -> str:
    """The access path of the plan, in a line: which index, or a scan of the whole table."""
    lines = [line.strip(" ->") for line in plan.splitlines()]
    steps = [
        line.split("  (")[0]
        for line in lines
        if "Scan" in line or "SEARCH" in line or "SCAN" in line or "Sort" in line
    ]
    return "; ".join(steps[:4]) or plan.splitlines()[0]


@benchmark("appeals.queue")
def queue(ctx) -> list[Figure]:
    """The back office's queue for an operator with 1,000,000 appeals (goal: p95 < 100 ms)."""
    total = ctx.scaled(QUEUE_APPEALS, 20_000)
    ctx.fact("appeals.queue goal", f"under {QUEUE_GOAL_MS} ms server time (p95)")
    figures = []
    with ctx.pg_database() as database, ctx.app_server(database_url=database.url) as server:
        figures += _queue(ctx, server, "postgresql", total)
    with ctx.app_server() as server:
        figures += _queue(ctx, server, "sqlite", total)
    return figures
