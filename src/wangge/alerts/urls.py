from django.urls import path

from wangge.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("<int:pk>/", views.alert_open, name="open"),
    path("<int:pk>/read/", views.alert_read, name="read"),
]
