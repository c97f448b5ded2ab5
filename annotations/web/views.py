"""Pages: the article list and the article page with the editor. They read through queries.py; every
change goes through the REST API, so the pages and integrations share one set of rules."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from annotations import freshness, queries, roles
from annotations.api.serializers import claim_rows_json
from annotations.models import Article, Claim, Source
from annotations.web.claims import script_data


def article_list(request: HttpRequest) -> HttpResponse:
    articles = queries.articles_with_counts(request.user)
    search = request.GET.get("q", "").strip()[:200].replace("\x00", "")
    if search:
        articles = articles.filter(
            Q(title__icontains=search) | Q(publisher__icontains=search) | Q(byline__icontains=search)
        )
    return render(
        request,
        "annotations/article_list.html",
        {
            "articles": articles,
            "search": search,
            "verdicts": Claim.Verdict.choices,
            "states": Claim.ReviewState.choices,
        },
    )


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article, slug=slug)
    claims = queries.claims_visible_to(request.user).filter(article=article).order_by("start", "end", "pk")
    config = {
        "articleId": article.pk,
        "textRevision": article.text_revision,
        "csrfToken": get_token(request),
        "username": request.user.get_username() if request.user.is_authenticated else None,
        "isEditor": roles.is_editor(request.user),
        "isAdmin": roles.is_admin(request.user),
        "isReviewer": roles.is_reviewer(request.user),
        "isNewsroom": roles.sees_unpublished_claims(request.user),
    }

    def claims_data() -> tuple[str, int]:
        # Plain rows rather than model instances, and JSON by orjson: most of the page's time with 500 claims.
        claim_list = claim_rows_json(queries.claim_rows(claims), {"request": request})
        return script_data(claim_list), len(claim_list)

    # The claims are kept until the data changes (the rest of the page holds this visitor's own token and roles).
    audience = freshness.audience(request.user)
    claims_json, claim_count = freshness.remembered(
        ("article-claims", article.pk, audience, request.build_absolute_uri("/")), claims_data
    )
    response = render(
        request,
        "annotations/article_detail.html",
        {
            "article": article,
            "claim_count": claim_count,
            "claims_json": claims_json,
            "editor_config": config,
            "verdicts": Claim.Verdict.choices,
            "kinds": Source.Kind.choices,
            "stances": Source.Stance.choices,
        },
    )
    # W3C Web Annotation Protocol discovery: where annotations of this page are read and written.
    response["Link"] = f'<{reverse("annotation-container")}>; rel="{ANNOTATION_SERVICE}"'
    return response


ANNOTATION_SERVICE = "http://www.w3.org/ns/oa#annotationService"


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and uptime checks: the app answers (no database query). Also the framework's
    ceiling in the load benchmark: a view that does nothing."""
    return HttpResponse("ok\n", content_type="text/plain")
