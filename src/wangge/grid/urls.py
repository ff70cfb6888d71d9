from django.urls import path

from wangge.grid import views

app_name = "grid"
urlpatterns = [
    path("area/<str:code>/", views.area_detail, name="area"),
    path("g/<str:code>/", views.grid_detail, name="grid"),
    path("building/<int:pk>/", views.building_detail, name="building"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
    path("household/<int:pk>/", views.household_detail, name="household"),
]
