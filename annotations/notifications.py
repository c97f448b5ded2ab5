"""Emails about review work: to the editor when a claim is sent back, to reviewers when work is waiting.

Django's email framework: the console backend in development, SMTP configured from the environment in
production (see settings). A failure to send is logged, never raised: the review itself has been saved.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

from annotations import roles
from annotations.models import Claim

log = logging.getLogger(__name__)


def sent_back(claim: Claim) -> None:
    """Tell the claim's editor that a reviewer sent it back, with the reviewer's comment."""
    editor = claim.created_by
    if not editor.email:
        return
    review = claim.reviews.order_by("-created_at", "-pk").first()
    comment = review.comment if review else ""
    _send(
        subject=f"Changes requested: “{_short(claim.exact)}”",
        body=(
            f"{review.reviewer.get_username() if review else 'A reviewer'} sent back your claim on "
            f"“{claim.article.title}”:\n\n  “{claim.exact}”\n\nComment: {comment}\n\n"
            f"Open it: {settings.SITE_URL}/review/sent-back/\n"
        ),
        to=[editor.email],
    )


def work_waiting(claim: Claim) -> None:
    """Tell the reviewers that a claim waits for review (never its own author)."""
    reviewers = (
        get_user_model()
        .objects.filter(Q(groups__name__in=[roles.REVIEWERS, roles.ADMINS]) | Q(is_superuser=True), is_active=True)
        .exclude(pk=claim.created_by_id)
        .exclude(email="")
        .distinct()
    )
    addresses = sorted(reviewers.values_list("email", flat=True))
    if not addresses:
        return
    _send(
        subject=f"Waiting for review: “{_short(claim.exact)}”",
        body=(
            f"{claim.created_by.get_username()} submitted a claim on “{claim.article.title}”:\n\n"
            f"  “{claim.exact}” ({claim.verdict})\n\nReview queue: {settings.SITE_URL}/review/\n"
        ),
        to=addresses,
    )


def _send(*, subject: str, body: str, to: list[str]) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception:
        log.exception("Could not send %r to %s", subject, to)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
