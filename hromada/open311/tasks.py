"""Fetching a request's picture (media_url) after the request is filed."""

from django_tasks import task

from hromada.open311 import media


@task()
def open311_media_fetch(request_id: int) -> str:
    return media.fetch(request_id)
