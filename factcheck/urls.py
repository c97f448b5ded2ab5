from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Factcheck administration"
admin.site.site_title = "Factcheck"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("annotations.web.urls")),
]
