from django.urls import path

from annotations.web import views

app_name = "web"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
]
