from django.urls import path

from annotations.web import claims, review, views

app_name = "web"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("healthz", views.health, name="health"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("claims/<int:pk>/", claims.claim_page, name="claim-page"),
    path("review/", review.queue, name="review-queue"),
    path("review/sent-back/", review.sent_back, name="sent-back"),
    path("dashboard/", review.dashboard, name="dashboard"),
    path("review/claims/<int:pk>/approve/", review.decide, {"decision": "approve"}, name="review-approve"),
    path(
        "review/claims/<int:pk>/request-changes/",
        review.decide,
        {"decision": "request-changes"},
        name="review-send-back",
    ),
]
