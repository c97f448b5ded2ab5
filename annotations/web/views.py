"""Pages: the article list and the article page with the editor. They read through queries.py; every
change goes through the REST API, so the pages and integrations share one set of rules."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
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
    """The article with its claims and the editor. The whole page is kept until the data changes, for each visitor
    (a signed-in user, or every anonymous reader), with a slot where each request puts the visitor's own CSRF
    token: a kept page costs the session, the article and the data version, not a template rendering."""
    # The id only: a kept page needs no article text (two copies of it, tens of KB, read and decoded for nothing).
    article_id = Article.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if article_id is None:
        raise Http404("No article has this address.")
    visitor = request.user.pk if request.user.is_authenticated else None
    found = freshness.key("article-page", article_id, visitor, request.build_absolute_uri())
    page = freshness.get(found) if found is not None else None
    if page is None:
        article = get_object_or_404(Article, pk=article_id)
        page = render_to_string("annotations/article_detail.html", article_context(request, article), request).encode()
        if found is not None and len(page) <= MAX_KEPT_PAGE_BYTES:
            freshness.put(found, page)
    response = HttpResponse(page.replace(TOKEN_SLOT, get_token(request).encode()))
    # W3C Web Annotation Protocol discovery: where annotations of this page are read and written.
    response["Link"] = f'<{reverse("annotation-container")}>; rel="{ANNOTATION_SERVICE}"'
    return response


# Where the visitor's CSRF token goes in a kept page: unguessable without the secret key (so no text of an article can
# hold it), the same in every worker (should kept pages ever be shared), and made of characters that need no escaping
# in HTML or JSON, like the token that replaces it.
TOKEN_SLOT = (
    "csrf-slot-" + hashlib.sha256(f"kept-page-csrf-slot:{settings.SECRET_KEY}".encode()).hexdigest()[:32]
).encode()
MAX_KEPT_PAGE_BYTES = 1024 * 1024


def article_context(request: HttpRequest, article: Article) -> dict:
    claims = queries.claims_visible_to(request.user).filter(article=article).order_by("start", "end", "pk")
    config = {
        "articleId": article.pk,
        "textRevision": article.text_revision,
        "csrfToken": TOKEN_SLOT.decode(),
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

    # The claims are also kept apart from the page, for everyone who may see the same ones.
    audience = freshness.audience(request.user)
    claims_json, claim_count = freshness.remembered(
        ("article-claims", article.pk, audience, request.build_absolute_uri("/")), claims_data
    )
    return {
        "article": article,
        "claim_count": claim_count,
        "claims_json": claims_json,
        "editor_config": config,
        "verdicts": Claim.Verdict.choices,
        "kinds": Source.Kind.choices,
        "stances": Source.Stance.choices,
        "csrf_token": TOKEN_SLOT.decode(),  # for {% csrf_token %}: the view's context overrides the processor's
    }


ANNOTATION_SERVICE = "http://www.w3.org/ns/oa#annotationService"


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and uptime checks: the app answers (no database query). Also the framework's
    ceiling in the load benchmark: a view that does nothing."""
    return HttpResponse("ok\n", content_type="text/plain")
