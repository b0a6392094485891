"""Who may do what with notifications and mailings.

A person reads and opens only their own inbox and sets only their own preferences; mass
mailings are prepared and sent by administrators and by staff given the permission
``messaging.send_mailing`` in the admin.
"""

import rules

from hromada.accounts.rules import is_administrator


@rules.predicate
def is_recipient(user, delivery) -> bool:
    return bool(
        delivery is not None
        and user.is_authenticated
        and user.is_active
        and delivery.user_id == user.pk
    )


@rules.predicate
def may_send_mailings(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("messaging.send_mailing")
    )


rules.add_perm("messaging.open_delivery", is_recipient)
rules.add_perm("messaging.send_mailings", is_administrator | may_send_mailings)
