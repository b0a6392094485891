"""Who may build, answer and read a survey.

Administrators manage every survey; a moderator manages the surveys of the addressees they
work for. Results are shown as the survey's visibility says; responses (with their texts) are
for the managers only.
"""

import rules

from hromada.accounts.rules import is_administrator, is_moderator
from hromada.directory.models import Membership


@rules.predicate
def is_addressee_moderator(user, survey) -> bool:
    if survey is None or survey.addressee_id is None:
        return False
    return bool(
        is_moderator(user)
        and Membership.objects.filter(addressee_id=survey.addressee_id, user=user).exists()
    )


@rules.predicate
def moderates_an_addressee(user) -> bool:
    return bool(is_moderator(user) and Membership.objects.filter(user=user).exists())


@rules.predicate
def is_open(user, survey) -> bool:
    return survey is not None and survey.state == survey.State.PUBLISHED


@rules.predicate
def is_visible(user, survey) -> bool:
    return survey is not None and survey.state != survey.State.DRAFT


@rules.predicate
def results_are_public(user, survey) -> bool:
    return survey is not None and survey.results_visibility == survey.Visibility.PUBLIC


@rules.predicate
def has_answered(user, survey) -> bool:
    return bool(
        survey is not None
        and survey.results_visibility == survey.Visibility.RESPONDENTS
        and user.is_authenticated
        and survey.responses.filter(respondent=user).exists()
    )


can_manage = is_administrator | is_addressee_moderator

rules.add_perm("surveys.create_survey", is_administrator | moderates_an_addressee)
rules.add_perm("surveys.manage_survey", can_manage)
rules.add_perm("surveys.view_survey", is_visible | can_manage)
rules.add_perm("surveys.answer_survey", is_open)
rules.add_perm(
    "surveys.view_results", (is_visible & (results_are_public | has_answered)) | can_manage
)
rules.add_perm("surveys.export_responses", can_manage)
