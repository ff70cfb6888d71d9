from django.urls import path

from wangge.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("export/", views.campaign_list_export, name="campaign_list_export"),
    path("today/", views.my_today, name="my_today"),
    path("risks/<int:pk>/", views.risk_detail, name="risk"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("<int:campaign_id>/missing/", views.campaign_missing, name="missing"),
    path("<int:campaign_id>/today/", views.campaign_today, name="campaign_today"),
    path("<int:campaign_id>/visit/<int:household_id>/", views.visit_form, name="visit"),
    path("household/<int:household_id>/link/", views.declaration_link, name="declaration_link"),
    path("household/<int:household_id>/link/sticker/", views.declaration_sticker, name="declaration_sticker"),
    path("d/<str:token>/", views.declare, name="declare"),
    path("d/<str:token>/monitoring/", views.declare_monitoring, name="declare_monitoring"),
]
