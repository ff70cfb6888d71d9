"""Deploying behind HTTPS: WANGGE_HTTPS and WANGGE_BEHIND_PROXY turn on HSTS, the redirect,
secure cookies and trust in the proxy's X-Forwarded-* headers; the security headers that cost
nothing are always on; and ``check --deploy`` has nothing left to say."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

SETTINGS = [
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST",
    "WANGGE_TRUST_X_FORWARDED_FOR", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS",
]


def run_wangge(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    # A deployment's environment: none of the suite's own variables (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly warns about).
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WANGGE_")
             and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(WANGGE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="wangge.settings", **env)
    return subprocess.run([sys.executable, *args], env=clean, capture_output=True, text=True, timeout=120)


def settings_under(tmp_path, **env) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{name: getattr(settings, name, None) for name in {SETTINGS!r}}}))")
    done = run_wangge(tmp_path, "-c", code, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_by_default_only_the_free_headers_are_on(tmp_path):
    values = settings_under(tmp_path)
    assert (values["SECURE_CONTENT_TYPE_NOSNIFF"], values["SECURE_REFERRER_POLICY"], values["X_FRAME_OPTIONS"]) == (
        True, "same-origin", "DENY")
    assert not values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None and not values["WANGGE_TRUST_X_FORWARDED_FOR"]


def test_https_turns_on_hsts_the_redirect_and_secure_cookies(tmp_path):
    values = settings_under(tmp_path, WANGGE_HTTPS="1")
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_a_proxy_the_forwarded_headers_are_trusted(tmp_path):
    values = settings_under(tmp_path, WANGGE_HTTPS="1", WANGGE_BEHIND_PROXY="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["USE_X_FORWARDED_HOST"] is True and values["WANGGE_TRUST_X_FORWARDED_FOR"] is True


DEPLOY_ENV = {"WANGGE_HTTPS": "1", "WANGGE_BEHIND_PROXY": "1", "WANGGE_ALLOWED_HOSTS": "wangge.example.cn",
              "WANGGE_SECRET_KEY": "k7Qz-3vX9pL2mN8rT5wY1bC4dF6gH0jKsAeUiOoP_qRtSvWxYz2468013579abcd"}


def test_check_deploy_finds_nothing_to_fix(tmp_path):
    done = run_wangge(tmp_path, "-m", "wangge.cli", "check", "--deploy", "--fail-level", "WARNING",
                      **DEPLOY_ENV, WANGGE_HSTS_PRELOAD="1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_without_preload_mentions_only_preload(tmp_path):
    # Preloading is the operator's decision (it binds the whole domain in every browser).
    done = run_wangge(tmp_path, "-m", "wangge.cli", "check", "--deploy", **DEPLOY_ENV)
    assert done.returncode == 0, done.stderr
    warnings = [line.split(")")[0].split("(")[-1] for line in (done.stdout + done.stderr).splitlines()
                if line.startswith("?: (")]
    assert warnings == ["security.W021"]


def test_every_response_carries_the_free_security_headers(db):
    response = Client().get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.fixture
def behind_https_proxy():
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000,
                           SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                           SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), USE_X_FORWARDED_HOST=True,
                           ALLOWED_HOSTS=["wangge.example.cn", "testserver"]):
        yield Client()


def test_plain_http_is_redirected_to_https(db, behind_https_proxy):
    response = behind_https_proxy.get("/accounts/login/", headers={"X-Forwarded-Host": "wangge.example.cn"})
    assert response.status_code == 301
    assert response.url == "https://wangge.example.cn/accounts/login/"


def test_https_through_the_proxy_is_served_with_hsts(db, behind_https_proxy):
    response = behind_https_proxy.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_wrote(settings):
    from django.test import RequestFactory

    from wangge.audit.context import client_ip

    settings.WANGGE_TRUST_X_FORWARDED_FOR = True
    # nginx's $proxy_add_x_forwarded_for appends the real address to whatever the client sent.
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.5"
    settings.WANGGE_TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "127.0.0.1"


def test_spoofed_forwarded_addresses_do_not_escape_the_login_throttle(db, settings):
    settings.WANGGE_TRUST_X_FORWARDED_FOR = True
    limit = settings.WANGGE_THROTTLE_LOGIN_ADDRESS[0]
    codes = [Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.5").post(
        "/accounts/login/", {"username": f"user{i}", "password": "Spring2026spray"}).status_code
        for i in range(limit + 1)]
    assert codes[-1] == 429
