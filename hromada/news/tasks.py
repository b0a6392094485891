"""Background work of the news: publishing scheduled posts and announcing posts."""

from datetime import timedelta

from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.news import fanout, services


@periodic(every=timedelta(minutes=1))
@task()
def publish_due_posts() -> int:
    """Scheduled posts whose time has come are published within a minute."""
    return services.posts_publish_due()


@task()
def post_fan_out(post_id: int) -> int:
    """Announce a newly published post to its subscribers (enqueued on commit by publishing);
    returns how many people it reached. See hromada.news.fanout."""
    return fanout.post_fan_out_run(post_id=post_id)
