from django.urls import path

from wangge.people import import_views, views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/new/", views.resident_register, name="resident_register"),
    path("residents/export.xlsx", views.resident_export, name="resident_export"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/reveal/<str:field>/", views.resident_reveal, name="resident_reveal"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/move/", views.resident_move, name="resident_move"),
    path("households/<int:household_pk>/residents/new/", views.resident_create, name="resident_create"),
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/template/<str:kind>.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
]
