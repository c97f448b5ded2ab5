from rest_framework.routers import DefaultRouter

from annotations.api import views

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")

urlpatterns = router.urls
