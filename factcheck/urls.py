from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from annotations.api import protocol

admin.site.site_header = "Factcheck administration"
admin.site.site_title = "Factcheck"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("annotations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # The W3C Web Annotation Protocol container (docs/api.md).
    path("annotations/", protocol.ContainerView.as_view(), name="annotation-container"),
    path("annotations/<str:pk>", protocol.AnnotationView.as_view(), name="annotation"),
    path("api-auth/", include("rest_framework.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("annotations.web.urls")),
]

handler404 = "annotations.api.views.not_found"
