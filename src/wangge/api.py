"""The integration API at /api/v1/: django-ninja, bearer tokens, the same scoping and audit.

Every endpoint is a thin caller of a selector or a service; every error leaves here as
``{"code": ..., "message": <Chinese>, "errors": {...}}``.  The docs page renders ninja's bundled
Swagger UI from local static files ("ninja" is in INSTALLED_APPS), so it needs no CDN.
"""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from wangge.accounts.services import api_token_user
from wangge.core.errors import DomainError, NotFound
from wangge.core.inputs import CODED_MESSAGE, error_message


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token)
        if user is not None:
            # Services read the actor from request.user, for pages and API alike.
            request.user = user
        return user


api = NinjaAPI(
    title="网格 Wangge API",
    version="1",
    description=(
        "社区网格化疫情防控平台接口。认证：`Authorization: Bearer TOKEN`（令牌由 `wangge token USERNAME` 签发）"
        "或已登录的会话。所有列表按调用者的管辖范围过滤，范围外的记录一律返回 404；证件号码和手机号默认脱敏，"
        "查看居民详情、显示明文和每一次修改都记入审计日志。错误统一为 `{code, message, errors}`。"
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


def error_response(request, *, code: str, message: str, status: int, errors: dict | None = None):
    return api.create_response(request, {"code": code, "message": message, "errors": errors or {}}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return error_response(request, code=exc.code, message=exc.message, errors=exc.errors, status=exc.http_status)


# Locations that name the parameter's container rather than the field.
_LOC_NOISE = {"body", "query", "path", "header", "cookie", "form", "payload", "filters"}


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if str(p) not in _LOC_NOISE]
        errors[".".join(loc) or "body"] = error_message(item)
    # An error with its own code (``core.inputs.coded_error``) answers with that code and its message.
    coded = next((item for item in exc.errors if CODED_MESSAGE in (item.get("ctx") or {})), None)
    if coded is not None:
        return error_response(request, code=coded["type"], message=coded["ctx"][CODED_MESSAGE], errors=errors,
                              status=422)
    fields = "、".join(errors)
    message = _("请求参数有误：%(fields)s") % {"fields": fields}
    return error_response(request, code="invalid", message=message, errors=errors, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return error_response(request, code="unauthorized", message=_("未登录或令牌无效"), status=401)


@api.exception_handler(AuthorizationError)
def authorization_error(request, exc):
    return error_response(request, code="forbidden", message=_("没有权限执行此操作"), status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, code="not_found", message="未找到", status=404)


# ninja's own refusals (a session request without its CSRF token, a body too large, ...) come with
# English text; they are answered with a stable code and a Chinese message instead.
HTTP_ERRORS = {
    403: ("forbidden", "请求被拒绝：网页会话调用写接口须携带 CSRF 令牌，请刷新页面后重试"),
    404: ("not_found", "未找到"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求体过大"),
}


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # ninja's one 400 is a body it cannot parse: bad input like any other, so 422 "invalid".
        return error_response(request, code="invalid", message="请求体不是有效的 JSON",
                              errors={"body": _("不是有效的 JSON")}, status=422)
    code, message = HTTP_ERRORS.get(exc.status_code, ("error", "请求失败"))
    return error_response(request, code=code, message=message, status=exc.status_code)


def register_routers() -> None:
    """Each app contributes its router in its own api.py."""
    from wangge.alerts.api import router as alerts_router
    from wangge.codes.api import router as codes_router
    from wangge.gates.api import router as gates_router
    from wangge.grid.api import router as grid_router
    from wangge.health.api import router as health_router
    from wangge.people.api import router as people_router
    from wangge.portal.api import router as portal_router
    from wangge.quarantine.api import router as quarantine_router
    from wangge.screening.api import router as screening_router
    from wangge.testing.api import router as testing_router
    from wangge.tracing.api import router as tracing_router
    from wangge.transfer.api import router as transfer_router

    for router in (grid_router, people_router, screening_router, health_router, tracing_router,
                   quarantine_router, transfer_router, alerts_router, codes_router, gates_router,
                   testing_router, portal_router):
        api.add_router("/", router)
    # Last, so it only catches what no endpoint matched: even a wrong path answers in JSON.
    api.add_router("/", fallback_router)


fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", auth=None, include_in_schema=False
)
def unknown_endpoint(request, path: str):
    raise NotFound(_("接口不存在，请查看 /api/v1/docs"))


register_routers()
