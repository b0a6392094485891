"""Writing appeals: intake, the journal number, routing, the deadline, and every transition.

Each function validates, writes inside one transaction, appends an Event and owes its
notifications in that same transaction, so nothing a citizen was told is accepted can be lost.
Transitions lock the appeal's row and refuse an illegal state with a Conflict.
"""

from hromada.appeals.services.common import (
    COMMENT_MAX,
    NOT_CONSIDERED_REASONS,
    STAFF_CHANNELS,
    SUBJECT_MAX,
    TEXT_MAX,
    AuthorDetails,
    _search_text,
)
from hromada.appeals.services.intake import appeal_submit, signer_confirm
from hromada.appeals.services.transitions import (
    BULK_ACTIONS,
    appeal_answer,
    appeal_assign,
    appeal_call_back,
    appeal_close,
    appeal_comment,
    appeal_extend,
    appeal_forward,
    appeal_mark_duplicate,
    appeal_not_consider,
    appeal_rate,
    appeal_register,
    appeal_reopen,
    appeal_return,
    appeal_route,
    appeal_start,
    appeals_bulk,
)

__all__ = [
    "BULK_ACTIONS",
    "COMMENT_MAX",
    "NOT_CONSIDERED_REASONS",
    "STAFF_CHANNELS",
    "SUBJECT_MAX",
    "TEXT_MAX",
    "AuthorDetails",
    "_search_text",
    "appeal_answer",
    "appeal_assign",
    "appeal_call_back",
    "appeal_close",
    "appeal_comment",
    "appeal_extend",
    "appeal_forward",
    "appeal_mark_duplicate",
    "appeal_not_consider",
    "appeal_rate",
    "appeal_register",
    "appeal_reopen",
    "appeal_return",
    "appeal_route",
    "appeal_start",
    "appeal_submit",
    "appeals_bulk",
    "signer_confirm",
]
