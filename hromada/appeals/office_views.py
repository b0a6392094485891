# PLACEHOLDER: being written
from django.http import Http404


def queue(request, **kwargs):
    raise Http404


def register_on_behalf(request, **kwargs):
    raise Http404


def journal_export(request, **kwargs):
    raise Http404


def bulk(request, **kwargs):
    raise Http404


def detail(request, **kwargs):
    raise Http404


def act(request, **kwargs):
    raise Http404
