"""The integration API at /api/v1/: django-ninja, bearer tokens, the same scoping and audit."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from wangge.accounts.services import api_token_user
from wangge.core.errors import DomainError


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
    description="社区网格化疫情防控平台接口。所有列表按调用者的管辖范围过滤；证件号码和手机号默认脱敏。",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, "errors": exc.errors}, status=exc.http_status
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = {}
    for item in exc.errors:
        loc = ".".join(str(p) for p in item.get("loc", [])[1:]) or "body"
        errors[loc] = item.get("msg", "")
    return api.create_response(
        request, {"code": "invalid", "message": "请求参数有误", "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthorized", "message": "未登录或令牌无效", "errors": {}}, status=401
    )


def register_routers() -> None:
    """Each app contributes its router in its own api.py."""
    from wangge.grid.api import router as grid_router
    from wangge.people.api import router as people_router

    api.add_router("/", grid_router)
    api.add_router("/", people_router)


register_routers()
