"""我的: a resident's own pages, phone first.  Sign in with a phone and a code, then the household
members the account acts for, each with their code, tests, today's declaration and monitoring."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wangge.accounts.services import mask_mobile
from wangge.audit.context import Actor
from wangge.core.errors import RateLimited, ValidationFailed
from wangge.core.views import flash_outcome, not_found_as_404
from wangge.health.models import SYMPTOMS, HealthReport
from wangge.people.selectors import resident_for_self
from wangge.portal import selectors, services
from wangge.screening import services as screening

SIGN_IN_URL = "portal:sign_in"
# Django's login() needs the backend that would have authenticated the user; the code is the check.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Step 1: a phone number, then step 2: the code it received.  Same answer whether or not
    anyone is registered under the number."""
    if request.user.is_authenticated and request.method == "GET" and request.user.may("people.self"):
        return redirect("portal:me")
    step, phone, errors, error, status = "phone", "", {}, "", 200
    if request.method == "POST":
        actor = Actor.from_request(request)
        phone = request.POST.get("phone", "")
        try:
            if request.POST.get("action") == "verify":
                step = "code"
                user = services.sign_in_verify(actor=actor, phone=phone, code=request.POST.get("code", ""))
                login(request, user, backend=SESSION_BACKEND)
                return redirect("portal:me")
            services.sign_in_code_send(actor=actor, phone=phone)
            step = "code"
            messages.success(request, _("如该手机号已在社区登记，验证码已发送，5 分钟内有效。"))
        except RateLimited as exc:
            error, status = exc.message, 429
        except ValidationFailed as exc:
            errors, error, status = exc.errors, exc.message, 422
            if "phone" in exc.errors:
                step = "phone"
    return render(request, "portal/sign_in.html", {
        # What was typed goes back into the form as typed, and is shown masked.
        "step": step, "entered": phone, "entered_masked": mask_mobile(phone.strip()), "errors": errors, "error": error,
    }, status=status)


@login_required(login_url=SIGN_IN_URL)
@not_found_as_404
def me(request):
    """我的: the households of the people this account acts for, and only those people."""
    households = selectors.my_households(actor=Actor.from_request(request))
    return render(request, "portal/me.html", {"households": households})


@login_required(login_url=SIGN_IN_URL)
@not_found_as_404
def member(request, pk: int):
    """One member: their health code, tests, today's declaration and monitoring."""
    view = selectors.my_member(actor=Actor.from_request(request), pk=pk)
    return render(request, "portal/member.html", {
        "m": view, "symptoms": SYMPTOMS, "monitor_symptoms": [s for s in SYMPTOMS if s != "发热"],
        "slot_label": HealthReport.Slot(view.slot).label,
        "code_refresh_url": reverse("portal:member_code", args=[view.resident.pk]),
    })


@login_required(login_url=SIGN_IN_URL)
@not_found_as_404
def member_code(request, pk: int):
    """The member's phone code again (the fragment refreshes itself before its token expires)."""
    code = selectors.my_code(actor=Actor.from_request(request), pk=pk)
    return render(request, "codes/_phone_code.html", {"code": code,
                                                       "refresh_url": reverse("portal:member_code", args=[pk])})


def _acted_for(request, pk: int):
    # A write reads the person through the same audited selector as the page it came from.
    return resident_for_self(actor=Actor.from_request(request), pk=pk)


@login_required(login_url=SIGN_IN_URL)
@not_found_as_404
@require_POST
def member_declare(request, pk: int):
    """Today's self-declaration for a member: the household link's service, through the account."""
    resident = _acted_for(request, pk)
    posted = request.POST
    flash_outcome(request, lambda: screening.declaration_submit_for_self(
        actor=Actor.from_request(request), resident=resident, temperature=posted.get("temperature", ""),
        symptoms=posted.getlist("symptoms"), travel_history=posted.get("travel_history", ""),
        travel_risk_area=posted.get("travel_risk_area") == "on", contact_case=posted.get("contact_case") == "on",
        arrived_from=posted.get("arrived_from", ""),
    ), success=_("已提交今日健康申报，谢谢！"))
    return redirect("portal:member", pk=resident.pk)


@login_required(login_url=SIGN_IN_URL)
@not_found_as_404
@require_POST
def member_report(request, pk: int):
    """This slot's temperature for a member under monitoring: the household link's service."""
    resident = _acted_for(request, pk)
    flash_outcome(request, lambda: screening.health_report_for_self(
        actor=Actor.from_request(request), resident=resident, slot=request.POST.get("slot", ""),
        temperature=request.POST.get("temperature", ""), symptoms=request.POST.getlist("symptoms"),
    ), success=_("已提交本时段的体温，谢谢！"))
    return redirect("portal:member", pk=resident.pk)
