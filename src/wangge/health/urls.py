from django.urls import path

from wangge.health import views

app_name = "health"
urlpatterns = [
    path("", views.board, name="board"),
    path("daily/", views.daily_table, name="daily"),
    path("daily/export/", views.daily_table_export, name="daily_export"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/export/", views.gaps_export, name="gaps_export"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/export/", views.monitoring_export, name="monitoring_export"),
    path("monitoring/<int:resident_id>/", views.monitoring_report, name="monitoring_report"),
    path("person/<int:resident_id>/", views.person, name="person"),
    path("person/<int:resident_id>/doctor-visit/", views.doctor_visit, name="doctor_visit"),
]
