from django.urls import path

from wangge.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.xlsx", views.inbox_export, name="export"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.alert_read_all, name="read_all"),
    path("<int:pk>/", views.alert_open, name="open"),
    path("<int:pk>/read/", views.alert_read, name="read"),
]
