from django.urls import path

from wangge.gates import views

app_name = "gates"
urlpatterns = [
    path("", views.my_gates, name="mine"),
    path("<int:pk>/", views.gate, name="gate"),
]
