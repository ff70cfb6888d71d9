from django.urls import path

from wangge.portal import views

app_name = "portal"
urlpatterns = [
    # Under /accounts/login/ like the staff sign-in, so every "please sign in" lands near it.
    path("accounts/login/phone/", views.sign_in, name="sign_in"),
    path("me/", views.me, name="me"),
    path("me/member/<int:pk>/", views.member, name="member"),
    path("me/member/<int:pk>/code/", views.member_code, name="member_code"),
    path("me/member/<int:pk>/declare/", views.member_declare, name="member_declare"),
    path("me/member/<int:pk>/monitoring/", views.member_report, name="member_report"),
]
