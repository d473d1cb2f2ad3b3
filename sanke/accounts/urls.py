from django.contrib.auth import views as auth_views
from django.urls import path

from sanke.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/grant/", views.role_grant, name="role_grant"),
    path("new/", views.account_create, name="account_create"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/<int:pk>/", views.account_action, name="account_action"),
    path("accounts/one-time-password/", views.one_time_password, name="one_time_password"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("people/<int:person_pk>/account/", views.person_account, name="person_account"),
    path("classrooms/<int:classroom_pk>/pair/", views.pairing_create, name="pairing_create"),
    path("pair/", views.pair_terminal, name="pair"),
]
