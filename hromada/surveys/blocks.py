"""The survey block on an addressee's public page: its surveys and its quality score."""

from hromada.directory.blocks import Block
from hromada.surveys import selectors


def addressee_surveys_block(request, addressee) -> Block | None:
    surveys = selectors.addressee_surveys(addressee.pk)
    history = selectors.quality_history(addressee.pk)
    ratings, average = selectors.quality_summary(history)
    if not surveys and not ratings:
        return None
    return Block(
        template="surveys/includes/addressee_block.html",
        context={
            "addressee": addressee,
            "surveys": surveys,
            "ratings": ratings,
            "average": average,
        },
        order=30,
    )
