"""The survey offer on a served ticket's and an answered appeal's page, for their owner:
``{% load surveys %}{% survey_offer booking %}`` (or ``appeal``)."""

from django import template

from hromada.surveys import selectors

register = template.Library()


@register.inclusion_tag("surveys/includes/offer.html", takes_context=True)
def survey_offer(context, subject):
    user = context["request"].user
    if subject.__class__.__name__ == "Booking":
        surveys, param, value = selectors.offers_for_ticket(user, subject), "ticket", subject.code
    else:
        surveys, param, value = selectors.offers_for_appeal(user, subject), "appeal", subject.number
    return {"surveys": surveys, "param": param, "value": value}


@register.filter
def posted_values(posted, key: str) -> list[str]:
    """What the person chose or wrote for a question, to show the form again after an error."""
    if not posted:
        return []
    return [str(value) for value in posted.getlist(key)]


@register.filter
def posted_value(posted, key: str) -> str:
    return posted.get(key, "") if posted else ""


@register.filter
def as_str(value) -> str:
    return str(value)


@register.filter
def condition_values(question) -> str:
    """The form values of the earlier question's inputs that ask this one."""
    return " ".join(
        str(o.value) if question.show_if_question.is_number else str(o.pk)
        for o in question.show_if_options.all()
    )


@register.filter
def condition_labels(question) -> str:
    return ", ".join(o.label for o in question.show_if_options.all())
