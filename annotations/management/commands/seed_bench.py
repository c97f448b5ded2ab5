"""manage.py seed_bench --articles N --claims-per-article M : a synthetic corpus for benchmarks.

Long articles (20 to 50 KB of news-like prose in <p> paragraphs, with headings, links and emphasis), claims
anchored on them (quotes of 3 to 25 words, or whole sentences), with every verdict, review state and anchor
state, about 2% orphans, 1 to 3 sources each and the reviews behind each decision. Everything is generated
from `random.Random(seed)`, so the same arguments give the same corpus (slugs and dates aside: slugs follow
the bench articles already present, dates go back from today).

Rows are written with bulk_create in batches inside one transaction, which skips the model signals: no
audit history (simple-history) is recorded for the bench rows, and no revision rows explain the orphans.
Bench data only; never in production.
"""

from __future__ import annotations

import datetime
import html
import math
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from annotations import roles
from annotations.anchoring import CONTEXT_LENGTH
from annotations.models import Article, Claim, Review, Source
from annotations.text import text_hash, text_of

BATCH = 5000  # rows per INSERT
ARTICLE_SIZES = (20_000, 50_000)  # characters of body text
ORPHAN_SHARE = 0.02
RELOCATED_SHARE = 0.05
VERDICT_WEIGHTS = {Claim.Verdict.VERIFIED: 35, Claim.Verdict.DISPUTED: 40, Claim.Verdict.ATTRIBUTED: 25}
STATE_WEIGHTS = {
    Claim.ReviewState.DRAFT: 15,
    Claim.ReviewState.PENDING: 25,
    Claim.ReviewState.APPROVED: 45,
    Claim.ReviewState.CHANGES_REQUESTED: 15,
}
# The stance a submitted claim's sources must include (services.REQUIRED_STANCE): the first source has it.
REQUIRED_STANCE = {
    Claim.Verdict.VERIFIED: Source.Stance.SUPPORTS,
    Claim.Verdict.DISPUTED: Source.Stance.CONTRADICTS,
    Claim.Verdict.ATTRIBUTED: Source.Stance.ORIGIN,
}

# (username, first name, last name, role); one editor and one reviewer without a name, as real accounts have.
BENCH_USERS = [
    ("bench-editor", "Ana", "Sousa", roles.EDITORS),
    ("bench-editor-2", "Łukasz", "Nowak", roles.EDITORS),
    ("bench-editor-3", "Chloé", "Martin", roles.EDITORS),
    ("bench-editor-4", "", "", roles.EDITORS),
    ("bench-reviewer", "Kwame", "Mensah", roles.REVIEWERS),
    ("bench-reviewer-2", "", "", roles.REVIEWERS),
]

# Vocabulary of the generated prose. Accents, curly quotes, dashes and an astral character on purpose:
# offsets count code points, and exports must carry any text.
FIRST = ["Anna", "José", "Zoë", "Łukasz", "Mei", "Oluwaseun", "Søren", "Aditi", "Mikhail", "Fatima", "Chloé",
         "Tomás", "Ingrid", "Kwame", "Yuki", "Rania", "Dmitri", "Elena", "Grace", "Omar", "Nguyễn", "Björn"]  # fmt: skip
LAST = ["Álvarez", "Kowalski", "Okafor", "Haddad", "Lindqvist", "Tanaka", "Moreau", "O'Brien", "Petrova",
        "Mbeki", "Silva", "Novák", "Fischer", "Khan", "Rossi", "Dubois", "Kaur", "Ivanova", "Müller", "Park"]  # fmt: skip
ROLES = ["the mayor", "the finance minister", "a spokesperson for the health ministry", "the opposition leader",
         "the company's chief executive", "the governor of the central bank", "a senior police official",
         "the union's general secretary", "the regional governor", "a government adviser", "the city treasurer",
         "the head of the port authority", "an economist at the state university"]  # fmt: skip
ORGS = ["the city council", "the national statistics office", "the ministry of transport", "the central bank",
        "the World Health Organization", "the European Commission", "the regional parliament", "the port authority",
        "the audit court", "the electoral commission", "the housing agency", "the environment agency"]  # fmt: skip
PLACES = ["Lisbon", "Kraków", "Nairobi", "São Paulo", "Montréal", "Reykjavík", "Osaka", "Manchester", "Tbilisi",
          "Dakar", "Medellín", "Gdańsk", "Ljubljana", "Chiang Mai", "Zürich", "Accra", "Porto Alegre"]  # fmt: skip
TOPICS = ["unemployment", "inflation", "the housing deficit", "average rent", "emergency-room waiting time",
          "the school dropout rate", "public debt", "the number of registered voters", "air pollution",
          "the murder rate", "hospital occupancy", "the price of bread", "bus ridership", "the trade deficit"]  # fmt: skip
PROJECTS = ["new bridge", "metro extension", "stadium renovation", "desalination plant", "ring road",
            "hospital wing", "tram line", "flood barrier", "solar farm", "school building programme"]  # fmt: skip
MOVES = ["fell", "rose", "climbed", "dropped", "doubled", "halved", "stayed flat"]
UNITS = ["per cent", "million euros", "billion dollars", "days", "thousand people", "per cent a year", "tonnes"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ACTIONS = ["cut taxes for small businesses", "build 10,000 homes", "double the police budget",
           "close the coal plant", "end the waiting lists", "raise the minimum wage", "balance the budget",
           "plant a million trees", "bring the trains back on time", "halve child poverty"]  # fmt: skip
HANDLES = ["@cityhall_press", "@MinFinance", "@port_authority", "@statsoffice", "@opposition_hq"]
QUIPS = ["a number pulled out of thin air", "simply not true", "misleading at best", "exactly what the data show",
         "a promise, not a plan", "the best result in a decade", "cherry-picked", "a rounding error 🤷"]  # fmt: skip
HEADLINES = ["{place} {project}: what it really cost", "Fact check: {name} on {topic}",
             "Did {topic} really {move}? We checked", "{org_title} under fire over {topic} figures",
             "Inside the {project} that {place} cannot afford", "Five claims from the {place} debate, checked"]  # fmt: skip

SENTENCES = [
    "{name}, {role}, said on {weekday} that {topic} had {move} to {number} {unit} in {year}.",
    "According to {org}, {topic} {move} by {pct} per cent over the past {small} years.",
    "“We will {action} before {year},” {name} told reporters in {place}.",
    "The {project} in {place} cost {money}, {twice} the original estimate of {money2}.",
    "{org_title} has not responded to requests for comment.",
    "Critics, including {name}, argue that the figures are {quip}.",
    "In {year}, {place} recorded {number} {unit}, the {ordinal} highest figure since records began.",
    "Officials insist the {project} will be finished by {month} {year}, {small} years later than planned.",
    "“It is {quip},” said {name}, who has followed {topic} in {place} since {year}.",
    "A post by {handle} shared {number} times claimed that {topic} had {move} under the current government.",
    "Data published by {org} on {day} {month} show a different picture: {topic} {move} in {small} of the last {big} quarters.",
    "{name} later added that “nobody in {place} should be surprised” by the numbers.",
    "The claim was repeated at a rally in {place}, where {name} promised to {action}.",
    "Independent analysts put the figure closer to {money}, about {pct} per cent lower — a gap the ministry did not explain.",
]  # fmt: skip
DOMAINS = [  # (domain, publisher, the kinds of source found there)
    ("www.ine.example.gov", "National Statistics Office", [Source.Kind.DATASET, Source.Kind.PRIMARY_DOCUMENT]),
    ("data.city.example.org", "City Council open data", [Source.Kind.DATASET]),
    ("www.ministry.example.gov", "Ministry of Finance", [Source.Kind.OFFICIAL_STATEMENT, Source.Kind.PRIMARY_DOCUMENT]),
    ("x.com", "", [Source.Kind.SOCIAL_MEDIA_POST]),
    ("www.facebook.com", "", [Source.Kind.SOCIAL_MEDIA_POST]),
    ("news.example.com", "The Example Times", [Source.Kind.NEWS_REPORT]),
    ("www.dailyherald.example", "Daily Herald", [Source.Kind.NEWS_REPORT]),
    ("economics.uni.example.edu", "State University", [Source.Kind.EXPERT, Source.Kind.PRIMARY_DOCUMENT]),
    ("parliament.example.eu", "Regional Parliament", [Source.Kind.PRIMARY_DOCUMENT, Source.Kind.OFFICIAL_STATEMENT]),
]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth"]


@dataclass
class _Claim:
    """A claim being generated, before its article has an id."""

    fields: dict
    sources: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "Create a synthetic corpus for benchmarks: N long articles with M claims each (every verdict, review "
        "and anchor state, about 2% orphans), their sources and reviews, written with bulk inserts in one "
        "transaction. Bench data only: no audit history is recorded for these rows. Not in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, required=True, help="Articles to create.")
        parser.add_argument("--claims-per-article", type=int, required=True, help="Claims in each article.")
        parser.add_argument(
            "--sources-per-claim",
            type=int,
            default=2,
            help="Sources per claim on average (default 2): each claim has one more, as many, or one fewer (at least one).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generator (default 1).")

    def handle(self, *args, articles: int, claims_per_article: int, sources_per_claim: int, seed: int, **options):
        if settings.PRODUCTION:
            raise CommandError("Bench data is never created in production mode (DJANGO_ENV=production).")
        if articles < 1 or claims_per_article < 0 or sources_per_claim < 0:
            raise CommandError("--articles must be 1 or more; claims and sources per claim 0 or more.")
        started = time.perf_counter()
        generator = Generator(random.Random(seed), timezone.now())
        totals = {"articles": 0, "claims": 0, "sources": 0, "reviews": 0}
        total_claims = articles * claims_per_article
        # Articles per batch: about BATCH claims, and no more than 100 articles' text in memory.
        per_batch = max(1, min(100, BATCH // max(1, claims_per_article)))
        report_every = max(1, total_claims // 10)
        reported = 0
        with transaction.atomic(), _explicit_timestamps():
            editors, reviewers = self._users()
            first = self._last_bench_number()
            for batch_start in range(0, articles, per_batch):
                numbers = range(first + batch_start + 1, first + min(articles, batch_start + per_batch) + 1)
                counts = self._write_batch(
                    generator, numbers, claims_per_article, sources_per_claim, editors, reviewers
                )
                for name, count in counts.items():
                    totals[name] += count
                # With DEBUG on (development), Django keeps the SQL of the last 9,000 queries: megabytes per INSERT.
                reset_queries()
                if totals["claims"] - reported >= report_every or batch_start + per_batch >= articles:
                    reported = totals["claims"]
                    elapsed = time.perf_counter() - started
                    self.stdout.write(
                        f"  {totals['articles']:,}/{articles:,} articles, {totals['claims']:,}/{total_claims:,} claims "
                        f"({elapsed:.1f} s, {totals['claims'] / max(elapsed, 1e-9):,.0f} claims/s)"
                    )
        # Planner statistics, as autovacuum would gather them after a while: without them PostgreSQL guesses
        # row counts of freshly bulk-loaded tables and picks sequential scans that a real database would not.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {totals['articles']:,} articles, {totals['claims']:,} claims, {totals['sources']:,} sources "
                f"and {totals['reviews']:,} reviews in {elapsed:.1f} s."
            )
        )

    def _last_bench_number(self) -> int:
        """The number of the last bench article already there: a new run's slugs follow it."""
        last = (
            Article.objects.filter(slug__regex=r"^bench-[0-9]{7}$").order_by("-slug").values_list("slug", flat=True)
        ).first()
        return int(last.removeprefix("bench-")) if last else 0

    def _users(self) -> tuple[list[int], list[int]]:
        User = get_user_model()
        editors, reviewers = [], []
        for username, first_name, last_name, role in BENCH_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first_name, "last_name": last_name}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            (editors if role == roles.EDITORS else reviewers).append(user.pk)
        return editors, reviewers

    def _write_batch(
        self, generator: Generator, numbers: range, claims_per_article: int, sources_per_claim: int, editors, reviewers
    ) -> dict[str, int]:
        rows: list[tuple[Article, list[_Claim]]] = []
        for number in numbers:
            article = generator.article(number)
            claims = [
                generator.claim(article, sources_per_claim, editors, reviewers) for _ in range(claims_per_article)
            ]
            if any(claim.fields["anchor_state"] == Claim.AnchorState.ORPHANED for claim in claims):
                # The text was corrected once, which orphaned those claims; the others were re-anchored on it.
                article.text_revision = 2
                for claim in claims:
                    if claim.fields["anchor_state"] != Claim.AnchorState.ORPHANED:
                        claim.fields["anchored_revision"] = 2
            rows.append((article, claims))
        Article.objects.bulk_create([article for article, _ in rows], batch_size=BATCH)
        # bulk_create sets each model's id (RETURNING), which its sources and reviews then point to.
        generated = [
            (Claim(article_id=article.pk, source_titles=_titles(claim.sources), **claim.fields), claim)
            for article, claims in rows
            for claim in claims
        ]
        Claim.objects.bulk_create([model for model, _ in generated], batch_size=BATCH)
        sources = [Source(claim_id=model.pk, **values) for model, claim in generated for values in claim.sources]
        Source.objects.bulk_create(sources, batch_size=BATCH)
        reviews = [Review(claim_id=model.pk, **values) for model, claim in generated for values in claim.reviews]
        Review.objects.bulk_create(reviews, batch_size=BATCH)
        return {"articles": len(rows), "claims": len(generated), "sources": len(sources), "reviews": len(reviews)}


@contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """Let bulk_create write the generated creation and update times instead of now()."""
    fields = [model._meta.get_field(name) for model in (Article, Claim) for name in ("created_at", "updated_at")]
    fields.append(Review._meta.get_field("created_at"))
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Slots(dict):
    """The values of a template's slots, drawn when the template asks for them."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, name: str) -> str:
        value = self[name] = SLOTS[name](self.rng)
        return value


def _title(words: list[str]):
    """A slot drawing one of `words` with its first letter in capitals."""

    def draw(rng: random.Random) -> str:
        word = rng.choice(words)
        return word[0].upper() + word[1:]

    return draw


SLOTS = {
    "name": lambda rng: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    "money": lambda rng: f"{rng.randint(2, 900)} million euros",
    # With a no-break space, as some newsroom systems write figures.
    "money2": lambda rng: f"{rng.randint(1, 450)}\u00a0million euros",
    "role": lambda rng: rng.choice(ROLES),
    "org": lambda rng: rng.choice(ORGS),
    "org_title": _title(ORGS),
    "place": lambda rng: rng.choice(PLACES),
    "topic": lambda rng: rng.choice(TOPICS),
    "topic_title": _title(TOPICS),
    "move": lambda rng: rng.choice(MOVES),
    "number": lambda rng: f"{rng.randint(2, 99_999):,}",
    "unit": lambda rng: rng.choice(UNITS),
    "year": lambda rng: str(rng.randint(1995, 2030)),
    "pct": lambda rng: f"{rng.uniform(0.1, 60):.1f}",
    "small": lambda rng: str(rng.randint(2, 9)),
    "big": lambda rng: str(rng.randint(10, 20)),
    "action": lambda rng: rng.choice(ACTIONS),
    "project": lambda rng: rng.choice(PROJECTS),
    "twice": lambda rng: rng.choice(["twice", "three times", "almost double", "a third more than"]),
    "quip": lambda rng: rng.choice(QUIPS),
    "ordinal": lambda rng: rng.choice(ORDINALS),
    "month": lambda rng: rng.choice(MONTHS),
    "weekday": lambda rng: rng.choice(WEEKDAYS),
    "day": lambda rng: str(rng.randint(1, 28)),
    "handle": lambda rng: rng.choice(HANDLES),
    "name_short": lambda rng: rng.choice(LAST),
}


class Generator:
    """Articles and claims from one random stream; `now` bounds every date (all are in the past)."""

    def __init__(self, rng: random.Random, now: datetime.datetime) -> None:
        self.rng = rng
        self.now = now
        self.count = 0  # claims generated so far: every verdict and state come first, orphans are spread evenly
        self.sentences: list[tuple[int, int]] = []  # the current article's sentences, as spans of its text
        self.text = ""
        self.checked = False

    # Articles.

    def article(self, number: int) -> Article:
        rng = self.rng
        size = rng.randint(*ARTICLE_SIZES)
        blocks, texts, self.sentences = [], [], []
        offset = 0
        while offset < size:
            if texts and rng.random() < 0.08:
                heading = self._fill(rng.choice(HEADLINES))
                blocks.append(f"<h2>{html.escape(heading, quote=False)}</h2>")
                texts.append(heading)
                offset += len(heading) + 1
                continue
            parts, markup = [], []
            for _ in range(rng.randint(3, 7)):
                sentence = self._fill(rng.choice(SENTENCES))
                start = offset + sum(len(p) + 1 for p in parts)
                self.sentences.append((start, start + len(sentence)))
                parts.append(sentence)
                markup.append(self._markup(sentence))
            paragraph = " ".join(parts)
            blocks.append(f"<p>{' '.join(markup)}</p>")
            texts.append(paragraph)
            offset += len(paragraph) + 1
        # textContent: each block's text, with the newline between blocks.
        self.text = body_text = "\n".join(texts)
        body_html = "\n".join(blocks)
        if not self.checked:  # the HTML and the text are built side by side: check once per run they agree
            self.checked = True
            if text_of(body_html) != body_text:
                raise CommandError("The generated HTML's textContent differs from its text: a generator bug.")
        created = self.now - datetime.timedelta(days=rng.uniform(30, 730))
        slug = f"bench-{number:07d}"
        source_url = "" if rng.random() < 0.1 else f"https://news.example.com/{created.year}/{slug}"
        return Article(
            title=self._fill(rng.choice(HEADLINES))[:300],
            slug=slug,
            byline="" if rng.random() < 0.2 else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            publisher=rng.choice(["The Example Times", "Daily Herald", "Radio Example", ""]),
            published_on=None if rng.random() < 0.05 else (created - datetime.timedelta(days=rng.randint(0, 3))).date(),
            source_url=source_url,
            body_html=body_html,
            body_text=body_text,
            text_hash=text_hash(body_text),
            created_at=created,
            updated_at=created + datetime.timedelta(hours=rng.uniform(0, 48)),
        )

    def _fill(self, template: str) -> str:
        """The template with its {slots} filled at random; only the slots it names draw numbers."""
        return template.format_map(_Slots(self.rng))

    def _markup(self, sentence: str) -> str:
        """The sentence as HTML: escaped, sometimes with a word emphasised or a link (text unchanged)."""
        rng = self.rng
        escaped = html.escape(sentence, quote=False)
        roll = rng.random()
        if roll < 0.1:
            return f"<em>{escaped}</em>"
        if roll < 0.15:
            href = f"https://{rng.choice(DOMAINS)[0]}/report-{rng.randint(1, 10**6)}"
            return f'<a href="{href}" rel="noopener nofollow noreferrer">{escaped}</a>'
        return escaped

    # Claims.

    def claim(self, article: Article, sources_per_claim: int, editors: list[int], reviewers: list[int]) -> _Claim:
        rng, text, index = self.rng, self.text, self.count
        self.count += 1
        if index < 12:  # the first claims cover every verdict in every review state
            verdict = list(Claim.Verdict)[index % 3]
            state = list(Claim.ReviewState)[index // 3]
        else:
            verdict = rng.choices(list(VERDICT_WEIGHTS), weights=list(VERDICT_WEIGHTS.values()))[0]
            state = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
        # Orphans and relocated claims at exactly their share, spread evenly over the run.
        orphan = math.floor((index + 1) * ORPHAN_SHARE) > math.floor(index * ORPHAN_SHARE)
        relocated = not orphan and math.floor((index + 1) * RELOCATED_SHARE) > math.floor(index * RELOCATED_SHARE)

        sentence_start, sentence_end = rng.choice(self.sentences)
        if rng.random() < 0.35:
            start, end = sentence_start, sentence_end
        else:
            words = [sentence_start] + [i + 1 for i in range(sentence_start, sentence_end) if text[i] == " "]
            first = rng.randrange(max(1, len(words) - 3))
            last = min(len(words) - 1, first + rng.randint(2, 24))
            start = words[first]
            end = sentence_end if last == len(words) - 1 else words[last + 1] - 1
        exact = text[start:end]
        if orphan:
            # The correction changed these words; the orphan keeps its last quote.
            exact = exact + " " + rng.choice(["(figures for 2019)", "and rising", "according to the draft"])
            if state == Claim.ReviewState.APPROVED:
                state = Claim.ReviewState.PENDING  # a revision withdraws the approval of an orphaned claim

        author = rng.choice(editors)
        created = article.created_at + datetime.timedelta(hours=rng.uniform(0.1, 240))
        speaker = ""
        if verdict == Claim.Verdict.ATTRIBUTED or rng.random() < 0.7:
            speaker = rng.choice(HANDLES) if rng.random() < 0.05 else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        fields = {
            "start": start,
            "end": end,
            "exact": exact,
            "prefix": text[max(0, start - CONTEXT_LENGTH) : start],
            "suffix": text[end : end + CONTEXT_LENGTH],
            "anchor_state": (
                Claim.AnchorState.ORPHANED
                if orphan
                else Claim.AnchorState.RELOCATED
                if relocated
                else Claim.AnchorState.ANCHORED
            ),
            "verdict": verdict,
            "speaker": speaker,
            "note": ""
            if rng.random() < 0.6
            else self._fill("Checked against {org}'s figures for {year}; see sources."),
            "summary": "",
            "review_state": state,
            "created_by_id": author,
            "updated_by_id": author if rng.random() < 0.8 else rng.choice(editors),
            "created_at": created,
            "updated_at": created,
            "version": 1,
            "anchored_revision": 1,
            "submitted_at": None,
            "approved_at": None,
            "canonical": "" if rng.random() < 0.97 else f"urn:uuid:{rng.getrandbits(128):032x}",
        }
        if rng.random() < (0.7 if state == Claim.ReviewState.APPROVED else 0.2):
            fields["summary"] = self._fill(
                rng.choice(["{topic_title} {move} to {number} {unit}", "{name_short} says {topic} {move}"])
            )[:75]
        claim = _Claim(fields)
        self._review_trail(claim, reviewers)
        claim.sources = [self._source(verdict, n, created) for n in range(self._source_count(sources_per_claim))]
        return claim

    def _review_trail(self, claim: _Claim, reviewers: list[int]) -> None:
        """Submission, decisions and the reviews behind them, in order and in the past."""
        rng, fields = self.rng, claim.fields
        state = fields["review_state"]
        if state == Claim.ReviewState.DRAFT:
            fields["version"] = rng.randint(1, 3)
            fields["updated_at"] = fields["created_at"] + datetime.timedelta(minutes=rng.uniform(0, 600))
            return
        submitted = fields["created_at"] + datetime.timedelta(hours=rng.uniform(0.1, 72))
        version = 2
        sent_back = state == Claim.ReviewState.CHANGES_REQUESTED or (
            state == Claim.ReviewState.APPROVED and rng.random() < 0.3
        )
        if sent_back:
            # Sent back once before being resubmitted (or, for changes_requested, that is where it stands).
            decided = submitted + datetime.timedelta(hours=rng.uniform(0.5, 48))
            claim.reviews.append(self._review(Claim.ReviewState.CHANGES_REQUESTED, reviewers, submitted, decided))
            version += 1
            if state == Claim.ReviewState.CHANGES_REQUESTED:
                fields |= {"submitted_at": submitted, "updated_at": decided, "version": version}
                return
            submitted = decided + datetime.timedelta(hours=rng.uniform(0.5, 24))
            version += 1
        fields |= {"submitted_at": submitted, "updated_at": submitted, "version": version}
        if state == Claim.ReviewState.APPROVED:
            approved = submitted + datetime.timedelta(hours=rng.uniform(0.2, 48))
            claim.reviews.append(self._review(Claim.ReviewState.APPROVED, reviewers, submitted, approved))
            fields |= {"approved_at": approved, "updated_at": approved, "version": version + 1}

    def _review(
        self, state: str, reviewers: list[int], submitted: datetime.datetime, decided: datetime.datetime
    ) -> dict:
        approve = state == Claim.ReviewState.APPROVED
        comment = self.rng.choice(
            ["", "Good sourcing."]
            if approve
            else ["Add the primary source, not the report about it.", "The quote is cut mid-sentence; widen it."]
        )
        return {
            "reviewer_id": self.rng.choice(reviewers),
            "decision": Review.Decision.APPROVE if approve else Review.Decision.REQUEST_CHANGES,
            "comment": comment,
            "submitted_at": submitted,
            "created_at": decided,
        }

    def _source_count(self, average: int) -> int:
        if average == 0:
            return 0
        return max(1, average + self.rng.randint(-1, 1))

    def _source(self, verdict: str, number: int, claimed: datetime.datetime) -> dict:
        rng = self.rng
        domain, publisher, kinds = rng.choice(DOMAINS)
        kind = rng.choice(kinds)
        stance = REQUIRED_STANCE[verdict] if number == 0 else rng.choice(list(Source.Stance))
        if domain in ("x.com", "www.facebook.com"):
            path = f"{rng.choice(HANDLES)[1:]}/status/{rng.getrandbits(60)}"
        else:
            path = (
                f"{rng.choice(['reports', 'news', 'data', 'press'])}/{rng.randint(2015, 2026)}/{rng.randint(1, 10**6)}"
            )
        url = f"https://{domain}/{path}"
        accessed = (claimed - datetime.timedelta(days=rng.randint(0, 5))).date() if rng.random() < 0.7 else None
        return {
            "url": url,
            "title": "" if rng.random() < 0.1 else self._fill("{topic_title} in {place}, {year}"),
            "publisher": publisher,
            "kind": kind,
            "stance": stance,
            "quoted_text": "" if rng.random() < 0.5 else self._fill(rng.choice(SENTENCES)),
            "accessed_on": accessed,
            "archived_url": f"https://web.archive.org/web/{claimed:%Y%m%d%H%M%S}/{url}" if rng.random() < 0.3 else "",
        }


def _titles(sources: list[dict]) -> str:
    """What services.refresh_source_titles would store."""
    return "\n".join(source["title"] for source in sources)
