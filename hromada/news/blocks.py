"""The news block on an addressee's public page: its latest posts and a way to follow them."""

from django.urls import reverse

from hromada.directory.blocks import Block
from hromada.news import selectors


def addressee_posts_block(request, addressee) -> Block:
    posts = selectors.addressee_latest(addressee)
    query = f"?addressee={addressee.slug}"
    return Block(
        template="news/includes/addressee_block.html",
        context={
            "addressee": addressee,
            "posts": posts,
            "digest_url": reverse("news:digest") + query,
            "subscribe_url": reverse("news:subscribe") + query,
        },
        order=30,
    )
