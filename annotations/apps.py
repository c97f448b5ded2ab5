from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Fact-checking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from annotations import checks, freshness, signals  # noqa: F401  (registers the checks, connects the receivers)

        post_migrate.connect(
            lambda using, **kwargs: freshness.install_missing_triggers(using),
            sender=self,
            dispatch_uid="data_version_triggers",
            weak=False,
        )
