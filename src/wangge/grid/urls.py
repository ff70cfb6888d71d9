from django.urls import path

from wangge.grid import views

app_name = "grid"
# The household page (people and all) is people.views.household_detail, added to this namespace
# in wangge/urls.py, as the home page is added to core's.
urlpatterns = [
    path("area/<str:code>/", views.area_detail, name="area"),
    path("g/<str:code>/", views.grid_detail, name="grid"),
    path("building/<int:pk>/", views.building_detail, name="building"),
    path("unit/<int:pk>/", views.unit_detail, name="unit"),
    path("unit/<int:pk>/households/new/", views.household_create, name="household_create"),
]
