from django.urls import path
from rest_framework.routers import DefaultRouter

from annotations.api import exports, views

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")

urlpatterns = [
    *router.urls,
    path("sources/", views.SourceReuseView.as_view(), name="source-reuse"),
    path("export/annotations.jsonld", exports.AnnotationsExport.as_view(), name="export-annotations"),
    path("export/claimreview.jsonld", exports.ClaimReviewExport.as_view(), name="export-claimreview"),
    path("export/claims.csv", exports.CSVExport.as_view(), name="export-csv"),
]
