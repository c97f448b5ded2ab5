from django.contrib import admin
from django.contrib.auth.views import LoginView, LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotations.api import protocol

admin.site.site_header = "Factcheck administration"
admin.site.site_title = "Factcheck"

# The browsable API's sign-in links lead to the site's own sign-in page (DRF's carries inline styles the CSP refuses).
API_AUTH = [path("login/", LoginView.as_view(), name="login"), path("logout/", LogoutView.as_view(), name="logout")]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("annotations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The W3C Web Annotation Protocol container (docs/api.md).
    path("annotations/", protocol.ContainerView.as_view(), name="annotation-container"),
    path("annotations/<str:pk>", protocol.AnnotationView.as_view(), name="annotation"),
    path("api-auth/", include((API_AUTH, "rest_framework"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("annotations.web.urls")),
]

handler404 = "annotations.api.views.not_found"
