"""The outbox page: what the built-in adapter sent, for a superuser on a closed network."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from wangge.audit.context import Actor
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404
from wangge.messaging import selectors


@login_required
@not_found_as_404
def outbox(request):
    qs = selectors.outbox_queryset(actor=Actor.from_request(request))
    page = request_page(request, qs)
    return render(request, "messaging/outbox.html", {"messages_sent": page.items, "page": page,
                                                     **pager_urls(request, page)})
