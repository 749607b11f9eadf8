"""The pages of the API app (not under /api/, which answers JSON only): the director's 接口令牌."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:pk>/revoke/", views.revoke, name="api_token_revoke"),
]
