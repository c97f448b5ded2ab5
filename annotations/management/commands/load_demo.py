"""manage.py load_demo : the seed articles, demo users and demo claims, for development only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.utils import get_history_model_for_model

from annotations import roles, services
from annotations.models import Article, Claim, Source

# Demo accounts: (username, password, role, is_staff, is_superuser). Never created in production mode.
# The editor is staff so they can correct articles in the admin.
DEMO_USERS = [
    ("editor", "editor-demo", roles.EDITORS, True, False),
    ("reviewer", "reviewer-demo", roles.REVIEWERS, False, False),
    ("admin", "admin-demo", roles.ADMINS, True, True),
]


class Command(BaseCommand):
    help = "Load the seed articles, the demo users (editor, reviewer, admin) and the demo claims. Not in production."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo users are never created in production mode (DJANGO_ENV=production).")
        with transaction.atomic():
            self._create_users()
            # Reloading fixtures over a database in use would overwrite what people wrote since.
            if Article.objects.exists():
                self.stdout.write("Articles are already present: fixtures not reloaded, nothing overwritten.")
            else:
                call_command("loaddata", "articles", "demo", verbosity=0)
                for claim_id in Claim.objects.values_list("pk", flat=True):
                    services.refresh_source_titles(claim_id)  # search reads them; the fixture leaves them out
                self._record_initial_history()
                self.stdout.write(
                    self.style.SUCCESS(f"Loaded {Article.objects.count()} articles and {Claim.objects.count()} claims.")
                )
        self.stdout.write("Demo sign-ins (development only):")
        for username, password, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {role[:-1].lower():<9} {username} / {password}")

    def _create_users(self) -> None:
        User = get_user_model()
        for username, password, role, is_staff, is_superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": is_staff, "is_superuser": is_superuser}
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))

    def _record_initial_history(self) -> None:
        """loaddata skips the history signals; give each loaded row its "created" entry once."""
        for model in (Article, Claim, Source):
            recorded = get_history_model_for_model(model).objects.values("id")
            missing = list(model.objects.exclude(pk__in=recorded))
            model.history.bulk_history_create(missing, default_change_reason="Loaded from the demo fixtures")
