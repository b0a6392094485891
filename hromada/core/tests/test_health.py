from datetime import timedelta

import pytest
from django.utils import timezone

from hromada.core.models import WorkerHeartbeat


def beat(worker_id: str, seconds_ago: float) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="test", pid=1, started_at=seen, last_seen_at=seen
    )


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_not_ready_without_a_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "migrations": True, "worker": False}


@pytest.mark.django_db
def test_readyz_is_ready_with_a_live_worker(client):
    beat("live", seconds_ago=2)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": True, "migrations": True, "worker": True},
    }


@pytest.mark.django_db
def test_readyz_ignores_a_silent_worker(client, settings):
    settings.WORKER_STALE_AFTER_SECONDS = 60
    beat("silent", seconds_ago=61)
    assert client.get("/readyz").status_code == 503


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
