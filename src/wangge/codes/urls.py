from django.urls import path

from wangge.codes import views

app_name = "codes"
urlpatterns = [
    path("resident/<int:resident_id>/", views.resident_code, name="resident"),
    path("resident/<int:resident_id>/paper/", views.paper_card, name="paper"),
    path("resident/<int:resident_id>/paper/issue/", views.paper_issue, name="paper_issue"),
    path("resident/<int:resident_id>/paper/revoke/", views.paper_revoke, name="paper_revoke"),
]
