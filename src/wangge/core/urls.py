from django.urls import path

from wangge.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("text-size", views.text_size, name="text_size"),
]
