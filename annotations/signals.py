"""Keep each claim's copy of its sources' titles (Claim.source_titles, which search reads) true, however a source
is saved or deleted: the services, the admin, a shell. Bulk writes skip signals: seed_bench fills the copy itself.
`loaddata` (raw saves) restores rows as they were, the copy with them: nothing to refresh, and restoring a backup
takes half the time (docs/backup.md); load_demo refreshes the demo fixture's claims itself."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from annotations import services
from annotations.models import Claim, Source


@receiver(pre_save, sender=Source, dispatch_uid="source_titles_lock_on_save")
@receiver(pre_delete, sender=Source, dispatch_uid="source_titles_lock_on_delete")
def lock_claim_first(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    """In a transaction, lock the claim before its source's row, the order update_claim uses: a writer of sources
    (the admin) and the API changing the same claim wait for each other instead of deadlocking."""
    if connection.in_atomic_block and instance.claim_id is not None and not raw:
        claims = {instance.claim_id, getattr(instance, "loaded_claim_id", None)} - {None}
        # Ordered by id only: the model's default order joins the article, whose row FOR UPDATE would lock too.
        list(Claim.objects.select_for_update().filter(pk__in=claims).order_by("pk").values_list("pk", flat=True))


@receiver(post_save, sender=Source, dispatch_uid="source_titles_on_save")
def titles_after_save(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    services.refresh_source_titles(instance.claim_id)
    moved_from = getattr(instance, "loaded_claim_id", None)
    if moved_from is not None and moved_from != instance.claim_id:  # moved to another claim (the admin allows it)
        services.refresh_source_titles(moved_from)
    instance.loaded_claim_id = instance.claim_id


@receiver(post_delete, sender=Source, dispatch_uid="source_titles_on_delete")
def titles_after_delete(sender, instance: Source, origin=None, **kwargs) -> None:
    # Deleting a claim or an article deletes its sources first: their claims are going, with nothing to refresh.
    deleted = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is None or deleted is Source:
        services.refresh_source_titles(instance.claim_id)


@receiver(pre_delete, sender=Claim, dispatch_uid="restatements_stay_together")
def keep_restatements_together(sender, instance: Claim, **kwargs) -> None:
    """When the first claim of a same-claim group is deleted (by the services, the admin or a shell), its
    restatements stay one group: the oldest becomes the first and the others name it, as services.link_claim
    would have had them. Otherwise same_as's SET_NULL would leave each on its own, no longer listing the others'
    articles as appearances. (Done with update(): neither their version nor their history changes.)"""
    restatements = list(Claim.objects.filter(same_as=instance).order_by("pk").values_list("pk", flat=True))
    if restatements:
        first, *others = restatements
        Claim.objects.filter(pk=first).update(same_as=None)
        Claim.objects.filter(pk__in=others).update(same_as=first)
