"""Review pages: the reviewers' queue, approving or sending back, and the editors' "sent back to me"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from annotations import queries, roles, services, text
from annotations.models import Article, Claim


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not roles.is_reviewer(request.user):
        raise PermissionDenied("The review queue is for reviewers.")
    article = request.GET.get("article", "")
    verdict = request.GET.get("verdict", "") if request.GET.get("verdict") in Claim.Verdict.values else ""
    editor = request.GET.get("editor", "").strip()[:150].replace("\x00", "")
    claims = queries.review_queue(article=int(article) if article.isdigit() else None, verdict=verdict, editor=editor)
    rows = [(claim, text.sentence_around(claim.article.body_text, claim.start, claim.end)) for claim in claims]
    return render(
        request,
        "annotations/review_queue.html",
        {
            "rows": rows,
            "articles": Article.objects.order_by("title").only("pk", "title"),
            "verdicts": Claim.Verdict.choices,
            "chosen": {"article": article, "verdict": verdict, "editor": editor},
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve or send back one claim from the queue; the services apply every rule."""
    claim = get_object_or_404(queries.claims_visible_to(request.user), pk=pk)  # a draft is no one else's business
    comment = request.POST.get("comment", "")
    action = {"approve": services.approve_claim, "request-changes": services.request_changes}[decision]
    try:
        action(claim, by=request.user, comment=comment)
    except services.DomainError as error:
        messages.error(request, f"“{claim.exact[:60]}”: {error.message}")
    else:
        done = "approved" if decision == "approve" else "sent back to its editor"
        messages.success(request, f"“{claim.exact[:60]}” {done}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:review-queue")
    return HttpResponseRedirect(target)


@login_required
def sent_back(request: HttpRequest) -> HttpResponse:
    return render(request, "annotations/sent_back.html", {"claims": queries.sent_back_to(request.user)})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not roles.sees_unpublished_claims(request.user):
        raise PermissionDenied("The dashboard is for the newsroom.")
    article = None
    if request.GET.get("article", "").isdigit():
        article = get_object_or_404(Article, pk=int(request.GET["article"]))
    figures = queries.dashboard(article)
    return render(
        request,
        "annotations/dashboard.html",
        {
            "article": article,
            "articles": Article.objects.order_by("title").only("pk", "title"),
            "figures": figures,
            "verdict_bars": _bars(figures["by_verdict"]),
            "state_bars": _bars(figures["by_state"]),
            "median": _duration(figures["median_seconds_to_decision"]),
        },
    )


def _bars(counts: list[tuple[str, str, int]], width: int = 300) -> list[dict]:
    """Bars for an inline SVG chart: the longest is `width` pixels."""
    top = max((count for _, _, count in counts), default=0) or 1
    return [
        {"value": value, "label": label, "count": count, "width": round(width * count / top), "y": index * 28}
        for index, (value, label, count) in enumerate(counts)
    ]


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "no decisions yet"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} minutes"
    hours = minutes / 60
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"
