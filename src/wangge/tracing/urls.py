from django.urls import path

from wangge.tracing import views

app_name = "tracing"
urlpatterns = [
    path("", views.investigation_list, name="investigation_list"),
    path("export.xlsx", views.investigation_export, name="investigation_export"),
    path("investigations/<int:pk>/", views.investigation_detail, name="investigation_detail"),
    path("investigations/<int:pk>/trajectory/", views.trajectory_add, name="trajectory_add"),
    path("places/", views.place_search, name="place_search"),
    path("investigations/<int:pk>/contacts/", views.contacts_add, name="contacts_add"),
    path("investigations/<int:pk>/contacts/household/", views.household_contacts_add,
         name="household_contacts_add"),
    path("investigations/<int:pk>/close/", views.investigation_close, name="investigation_close"),
]
