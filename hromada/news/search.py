"""The digest's word search, by the database's full-text index (migration 0003).

A word of the query matches a word of the post that starts with it ("ремонт" finds
"ремонту", "ремонтом"), in the title, the text or the topics, whatever the case and the
apostrophe typed; every word of the query must match. PostgreSQL reads the GIN index of the
post's stored tsvector; SQLite its FTS5 table. Both split words at the same places (letters
and digits; an apostrophe or a hyphen separates), and ``words_match`` says the same in Python
for a saved search checked against one post.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from hromada.directory.services import normalize_search

WORD = re.compile(r"\w+")


def query_words(query: str) -> list[str]:
    """The words a query is matched by: normalised, split as the index splits them."""
    return WORD.findall(normalize_search(query))


def words_match(text: str, query: str) -> bool:
    """Whether a (normalised) search text has a word starting with each word of the query."""
    wanted = query_words(query)
    if not wanted:
        return True
    present = WORD.findall(text)
    return all(any(word.startswith(w) for word in present) for w in wanted)


def search_filter(posts: QuerySet, query: str) -> QuerySet:
    words = query_words(query)
    if not words:
        return posts
    if connection.vendor == "postgresql":
        # Each word as itself or a prefix ('ремонт' | 'ремонт':*): the same matches as the
        # prefix alone, but the planner estimates the exact word from the column's
        # statistics (it takes a prefix for rare), so for a word most posts have it walks
        # the posts in date order and stops at the page instead of sorting every match.
        # The words are letters and digits only (WORD), so nothing in them is an operator.
        terms = " & ".join(f"('{w}' | '{w}':*)" for w in words)
        # The words are parameters; the SQL around them is constant.
        condition = RawSQL(
            "news_post.search_vector @@ to_tsquery('simple'::regconfig, %s)",
            [terms],
            output_field=BooleanField(),
        )
        return posts.filter(condition)
    if connection.vendor == "sqlite":
        # FTS5: each word a quoted prefix phrase, all of them required.
        match = " AND ".join(f'"{w}"*' for w in words)
        condition = RawSQL(
            "news_post.id IN (SELECT rowid FROM news_post_fts WHERE news_post_fts MATCH %s)",
            [match],
            output_field=BooleanField(),
        )
        return posts.filter(condition)
    # Another database: the words as substrings, by a scan.
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return posts.filter(condition)
