from django.contrib import admin
from django.urls import include, path

from wangge import views
from wangge.api import api
from wangge.core import urls as core_urls
from wangge.core import views as core_views
from wangge.grid import urls as grid_urls
from wangge.people import views as people_views

urlpatterns = [
    # The home page is a view above every app (it shows the grid); it keeps its name, core:home.
    # So are the data checks: core keeps their table, every app adds its own (core.datachecks).
    path("", include(([path("", views.home, name="home"),
                       path("area/", views.overview, name="overview"),
                       path("checks/", views.data_checks_page, name="data_checks"),
                       path("checks/<str:key>/", views.data_check_page, name="data_check"),
                       path("map/<str:code>.geojson", views.map_data, name="map_data"),
                       *core_urls.urlpatterns], core_urls.app_name))),
    path("accounts/", include("wangge.accounts.urls")),
    # 我的 (居民端): /me/ and the phone sign-in at /accounts/login/phone/.
    path("", include("wangge.portal.urls")),
    path("messaging/", include("wangge.messaging.urls")),
    # A household's page lists its people, so it is a people view; it keeps its place, grid:household.
    path("grid/", include(([*grid_urls.urlpatterns,
                            path("household/<int:pk>/", people_views.household_detail, name="household")],
                           grid_urls.app_name))),
    path("people/", include("wangge.people.urls")),
    path("audit/", include("wangge.audit.urls")),
    path("exports/", include("wangge.exports.urls")),
    path("alerts/", include("wangge.alerts.urls")),
    path("health/", include("wangge.health.urls")),
    path("screening/", include("wangge.screening.urls")),
    path("tracing/", include("wangge.tracing.urls")),
    path("quarantine/", include("wangge.quarantine.urls")),
    path("transfer/", include("wangge.transfer.urls")),
    path("codes/", include("wangge.codes.urls")),
    path("gates/", include("wangge.gates.urls")),
    path("testing/", include("wangge.testing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Refusals in the site's layout and the visitor's language (Django's own are bare English pages).
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
