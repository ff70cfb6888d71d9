from django.http import Http404


def area_detail(request, *args, **kwargs):
    raise Http404


def grid_detail(request, *args, **kwargs):
    raise Http404


def building_detail(request, *args, **kwargs):
    raise Http404


def unit_detail(request, *args, **kwargs):
    raise Http404


def household_detail(request, *args, **kwargs):
    raise Http404
