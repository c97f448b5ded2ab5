"""Revising an article re-anchors every claim: same words stay, edited words are re-reviewed, lost ones are orphans."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations import services
from annotations.models import Article, ArticleRevision, Claim
from annotations.text import text_hash
from tests.factories import make_user

pytestmark = pytest.mark.django_db

KOBZEV = "They say that’s how it will be from now on,"
KREMLIN = "someone in the Kremlin decided that I would catch inspiration on the eve of the elections and write something convincing."
SENTENCE = "Navalny is serving a 2.5-year prison sentence for parole violations"
DENIES = "a charge the Kremlin denies"


@pytest.fixture
def article():
    call_command("load_demo", stdout=StringIO())
    return Article.objects.get(slug__startswith="from-jail")


@pytest.fixture
def desk():
    return make_user("desk", role="Editors")


def revise(article, old: str, new: str, by=None, **kwargs):
    assert old in article.body_html
    return services.revise_article(article, article.body_html.replace(old, new), by=by, **kwargs)


def assert_anchored_on_its_words(claim: Claim) -> None:
    claim.refresh_from_db()
    text = claim.article.body_text
    assert text[claim.start : claim.end] == claim.exact
    assert claim.prefix == text[max(0, claim.start - 32) : claim.start]
    assert claim.anchored_revision == claim.article.text_revision


def test_changed_date_keeps_every_claim_on_its_words_and_approval(article, desk):
    report = revise(article, "Sept. 19 ballot", "Sept. 17-19 ballot", by=desk, reason="Corrected the election dates")
    # The demo's voting-call claim comes before the date and stays where it was; the four after it move by 3.
    assert report.counts() == {"anchored": 1, "relocated": 4, "changed": 0, "orphaned": 0}
    for claim in article.claims.all():
        assert_anchored_on_its_words(claim)
    assert Claim.objects.get(exact=KOBZEV).review_state == "approved"


def test_repeated_sentence_stays_on_the_occurrence_it_was_made_on(article):
    claim = Claim.objects.get(exact=SENTENCE)
    caption_end = article.body_text.index("navalny / Instagram")
    assert claim.start > caption_end
    revise(article, "<p>Kremlin critic", "<p>Jailed Kremlin critic")
    claim.refresh_from_db()
    assert claim.start > article.body_text.index("navalny / Instagram")
    assert_anchored_on_its_words(claim)


def test_reworded_approved_quote_follows_its_new_words_and_goes_back_to_review(article, desk):
    report = revise(article, "They say that’s how", "They say that is how", by=desk)
    claim = Claim.objects.get(pk=1)
    assert claim.exact == "They say that is how it will be from now on,"
    assert (claim.anchor_state, claim.review_state) == ("relocated", "pending")
    assert claim.version == 2
    outcome = next(o for o in report.outcomes if o.claim == 1)
    assert (outcome.state, outcome.sent_back_for_review, outcome.previous_exact) == ("changed", True, KOBZEV)
    entry = claim.history.first()
    assert "approval was withdrawn" in entry.history_change_reason
    assert entry.history_user == desk


def test_reworded_claim_that_was_sent_back_keeps_its_review_state(article):
    revise(article, "a charge the Kremlin denies", "a charge the Kremlin has always denied")
    claim = Claim.objects.get(pk=4)
    assert claim.exact == "a charge the Kremlin has always denied"
    assert claim.review_state == "changes_requested"


def test_removed_paragraph_orphans_its_claim_which_keeps_quote_sources_and_history(article):
    paragraph = article.body_html[article.body_html.index("<p>Navalny, echoing") :]
    paragraph = paragraph[: paragraph.index("</p>") + 5]
    report = revise(article, paragraph, "")
    claim = Claim.objects.get(pk=2)
    assert (claim.anchor_state, claim.exact) == ("orphaned", KREMLIN)
    assert claim.sources.count() == 1
    assert claim.review_state == "pending"
    assert claim.anchored_revision == 1 < claim.article.text_revision
    assert "not found" in claim.history.first().history_change_reason
    assert report.counts()["orphaned"] == 1
    assert Claim.objects.count() == 7  # the demo's claims, none deleted


def test_moved_paragraph_takes_its_claim_along(article):
    html = article.body_html
    paragraph = html[html.index("<p>“They say") :]
    paragraph = paragraph[: paragraph.index("</p>") + len("</p>")]
    moved = html.replace(paragraph + "\n", "") + "\n" + paragraph
    assert moved.count(paragraph) == 1
    services.revise_article(article, moved, by=None)
    claim = Claim.objects.get(pk=1)
    assert claim.anchor_state == "relocated"
    assert claim.review_state == "approved"
    assert_anchored_on_its_words(claim)
    assert claim.start > Claim.objects.get(pk=3).start


def test_orphan_comes_back_when_its_words_return(article):
    original = article.body_html
    paragraph = original[original.index("<p>Navalny, echoing") :]
    revise(article, paragraph[: paragraph.index("</p>") + 5], "")
    article.refresh_from_db()
    services.revise_article(article, original, by=None)
    claim = Claim.objects.get(pk=2)
    assert claim.anchor_state == "anchored"
    assert_anchored_on_its_words(claim)


def test_revision_keeps_the_previous_text_who_and_why(article, desk):
    before_html, before_hash = article.body_html, article.text_hash
    revise(article, "Sept. 19 ballot", "Sept. 17-19 ballot", by=desk, reason="Dates")
    article.refresh_from_db()
    revision = ArticleRevision.objects.get()
    assert (revision.number, revision.previous_body_html, revision.previous_text_hash) == (2, before_html, before_hash)
    assert (revision.revised_by, revision.reason) == (desk, "Dates")
    assert revision.report["counts"]["relocated"] == 4
    assert (article.text_revision, article.text_hash) == (2, text_hash(article.body_text))


def test_same_text_is_not_a_revision(article):
    report = services.revise_article(article, article.body_html, by=None)
    assert report.changed is False
    assert not ArticleRevision.objects.exists()


def test_revision_against_a_stale_text_revision_is_refused_and_changes_nothing(article):
    revise(article, "Sept. 19 ballot", "Sept. 17-19 ballot")
    article.refresh_from_db()
    with pytest.raises(services.DomainError, match="revised by someone else"):
        revise(article, "Kremlin critic", "Critic", expected_revision=1)
    assert "Kremlin critic" in Article.objects.get(pk=article.pk).body_text


def test_revision_without_text_is_refused(article):
    with pytest.raises(services.DomainError, match="no text"):
        services.revise_article(article, "<script>x</script>", by=None)
    assert ArticleRevision.objects.count() == 0


def test_revised_html_is_sanitized(article):
    revise(article, "<p>Kremlin critic", '<p onclick="x()">Kremlin critic<script>alert(1)</script>')
    article.refresh_from_db()
    assert "onclick" not in article.body_html
    assert "alert" not in article.body_text


def test_every_claim_gets_a_history_entry_for_the_revision(article):
    before = Claim.history.count()
    revise(article, "Sept. 19 ballot", "Sept. 17-19 ballot")
    assert Claim.history.count() == before + article.claims.count()


def test_revise_command_reports_outcomes(article, tmp_path):
    corrected = tmp_path / "corrected.html"
    corrected.write_text(article.body_html.replace("They say that’s how", "They say that is how"))
    out = StringIO()
    call_command("revise_article", article.slug, str(corrected), "--reason", "Quote fixed", stdout=out)
    assert "claim 1: changed" in out.getvalue()
    assert "needs review" in out.getvalue()
    assert ArticleRevision.objects.get().reason == "Quote fixed"


def test_revise_command_refuses_unknown_article_or_empty_file(article, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(CommandError, match="No article"):
        call_command("revise_article", "no-such-article", str(empty))
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("revise_article", str(article.pk), str(empty))


@pytest.mark.parametrize("role", ["Editors", "Admins"])
def test_editing_the_body_in_the_admin_runs_the_revision(article, client, role):
    admin = make_user("chief", role=role, is_staff=True)
    client.force_login(admin)
    url = f"/admin/annotations/article/{article.pk}/change/"
    form = {
        "title": article.title, "slug": article.slug, "byline": "", "publisher": article.publisher,
        "published_on": "2021-09-13", "source_url": article.source_url,
        "body_html": article.body_html.replace("They say that’s how", "They say that is how"),
        "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0", "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "0",
    }  # fmt: skip
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    assert "Revision 2 saved" in response.content.decode()
    assert ArticleRevision.objects.get().revised_by == admin
    assert Claim.objects.get(pk=1).review_state == "pending"


def test_edit_after_every_claim_leaves_them_anchored_in_place(article):
    report = revise(article, "for the next five years", "for the next five years or more")
    assert report.counts() == {"anchored": 5, "relocated": 0, "changed": 0, "orphaned": 0}
    assert set(article.claims.values_list("version", flat=True)) == {1}
