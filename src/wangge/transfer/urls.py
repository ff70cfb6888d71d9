from django.urls import path

from wangge.transfer import views

app_name = "transfer"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("export.xlsx", views.transfer_export, name="export"),
    path("new/", views.transfer_new, name="new"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/edit/", views.transfer_edit, name="edit"),
    path("<int:pk>/acknowledge/", views.transfer_acknowledge, name="acknowledge"),
    path("<int:pk>/check-in/", views.transfer_check_in, name="check_in"),
    path("<int:pk>/depart/", views.transfer_depart, name="depart"),
    path("<int:pk>/arrive/", views.transfer_arrive, name="arrive"),
    path("<int:pk>/handover/", views.transfer_handover, name="handover"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="cancel"),
    path("facilities/", views.facility_board, name="facilities"),
    path("facilities/export.xlsx", views.facility_export, name="facility_export"),
    path("facilities/new/", views.facility_new, name="facility_new"),
    path("vehicles/", views.vehicle_list, name="vehicles"),
    path("vehicles/new/", views.vehicle_new, name="vehicle_new"),
    path("closed-roads/", views.closed_road_list, name="closed_roads"),
    path("closed-roads/new/", views.closed_road_new, name="closed_road_new"),
    path("closed-roads/<int:pk>/reopen/", views.closed_road_reopen, name="closed_road_reopen"),
]
