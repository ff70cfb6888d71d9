from django.http import Http404


def import_list(request, *args, **kwargs):
    raise Http404


def import_new(request, *args, **kwargs):
    raise Http404


def import_template(request, *args, **kwargs):
    raise Http404


def import_detail(request, *args, **kwargs):
    raise Http404


def import_progress(request, *args, **kwargs):
    raise Http404
