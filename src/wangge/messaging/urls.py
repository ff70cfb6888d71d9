from django.urls import path

from wangge.messaging import views

app_name = "messaging"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
]
