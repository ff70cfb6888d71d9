from django.urls import path

from wangge.testing import views

app_name = "testing"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/points/new/", views.point_new, name="point_new"),
    path("<int:pk>/untested/", views.round_untested, name="untested"),
    path("<int:pk>/untested.xlsx", views.untested_export, name="untested_export"),
    path("<int:pk>/exempt/", views.exempt, name="exempt"),
    path("<int:pk>/results/", views.results_import, name="results_import"),
    path("<int:pk>/tasks/", views.round_tasks, name="tasks"),
    path("points/<int:pk>/", views.point_station, name="point"),
    path("points/<int:pk>/scan/", views.point_scan, name="scan"),
    path("tubes/<int:pk>/close/", views.tube_close, name="tube_close"),
    path("tubes/<int:pk>/recall/", views.recall, name="recall"),
    path("residents/<int:resident_id>/", views.resident_history, name="resident"),
]
