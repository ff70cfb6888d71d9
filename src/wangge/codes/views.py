"""Health-code pages for staff: a resident's code colour with its reasons, and the printable
paper code.  Read the request, call a selector or a service, render; no rule lives here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import can
from wangge.audit.context import Actor
from wangge.codes import selectors, services
from wangge.codes.qr import qr_svg
from wangge.core.views import not_found_as_404


@login_required
@not_found_as_404
def resident_code(request, resident_id: int):
    detail = selectors.code_detail(actor=Actor.from_request(request), resident_id=resident_id)
    return render(request, "codes/resident_code.html", {
        "d": detail, "resident": detail.resident,
        "can_print": can(request.user, "codes.paper.print"),
        "can_issue": can(request.user, "codes.paper.issue"),
    })


@login_required
@not_found_as_404
def paper_card(request, resident_id: int):
    detail = selectors.paper_card(actor=Actor.from_request(request), resident_id=resident_id)
    paper = detail.paper
    return render(request, "codes/paper_card.html", {
        "d": detail, "resident": detail.resident,
        "qr": qr_svg(selectors.PAPER_PREFIX + paper.code) if paper else None,
        "grouped": "-".join(paper.code[i:i + 4] for i in range(0, len(paper.code), 4)) if paper else "",
        "can_issue": can(request.user, "codes.paper.issue"),
    })


@login_required
@require_POST
@not_found_as_404
def paper_issue(request, resident_id: int):
    services.paper_code_issue(actor=Actor.from_request(request), resident_id=resident_id)
    messages.success(request, _("已签发新的纸质健康码，旧码已作废"))
    return redirect("codes:paper", resident_id=resident_id)


@login_required
@require_POST
@not_found_as_404
def paper_revoke(request, resident_id: int):
    revoked = services.paper_code_revoke(actor=Actor.from_request(request), resident_id=resident_id)
    if revoked:
        messages.success(request, _("纸质健康码已作废"))
    return redirect("codes:resident", resident_id=resident_id)
