from django.urls import path

from wangge.quarantine import views

app_name = "quarantine"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("orders/export/", views.order_export, name="order_export"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/release/", views.order_release, name="order_release"),
    path("orders/<int:pk>/extend/", views.order_extend, name="order_extend"),
    path("orders/<int:pk>/home/", views.order_move_home, name="order_move_home"),
    path("orders/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("tests/due/", views.tests_due, name="tests_due"),
    path("tests/negative/", views.tests_negative, name="tests_negative"),
    path("tests/<int:pk>/result/", views.test_result, name="test_result"),
    path("tests/<int:pk>/correct/", views.test_correct, name="test_correct"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/export/", views.site_export, name="site_export"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
]
