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
    path("investigations/<int:pk>/exposures/", views.investigation_exposures, name="investigation_exposures"),
    path("investigations/<int:pk>/exposures/contacts/", views.exposures_contacts, name="exposures_contacts"),
    path("investigations/<int:pk>/chain/", views.investigation_chain, name="investigation_chain"),
    path("investigations/<int:pk>/contacts.xlsx", views.contacts_export, name="contacts_export"),
    path("investigations/<int:pk>/close/", views.investigation_close, name="investigation_close"),
]
