from hromada.messaging.selectors import unread_count


def inbox(request) -> dict:
    """The unread count beside the menu's link; lazily, so pages that never show it (and
    anonymous visitors) cost no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    cached: dict[str, int] = {}

    def count() -> int:
        if "n" not in cached:
            cached["n"] = unread_count(user)
        return cached["n"]

    return {"unread_notifications": count}
