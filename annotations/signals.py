"""Keep each claim's copy of its sources' titles (Claim.source_titles, which search reads) true, however a source
is saved or deleted: the services, the admin, a shell. Bulk writes skip signals: seed_bench fills the copy itself."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from annotations import services
from annotations.models import Source


@receiver(post_save, sender=Source, dispatch_uid="source_titles_on_save")
@receiver(post_delete, sender=Source, dispatch_uid="source_titles_on_delete")
def copy_source_titles(sender, instance: Source, **kwargs) -> None:
    services.refresh_source_titles(instance.claim_id)
