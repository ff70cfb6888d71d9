from django.http import Http404


def resident_list(request, *args, **kwargs):
    raise Http404


def resident_export(request, *args, **kwargs):
    raise Http404


def resident_detail(request, *args, **kwargs):
    raise Http404


def resident_reveal(request, *args, **kwargs):
    raise Http404
