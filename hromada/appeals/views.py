# PLACEHOLDER: being written
from django.http import Http404


def my_appeals(request, **kwargs):
    raise Http404


def appeal_new(request, **kwargs):
    raise Http404


def appeal_detail(request, **kwargs):
    raise Http404


def appeal_rate(request, **kwargs):
    raise Http404


def appeal_close(request, **kwargs):
    raise Http404


def appeal_dispute(request, **kwargs):
    raise Http404


def appeal_sign(request, **kwargs):
    raise Http404


def attachment(request, **kwargs):
    raise Http404
