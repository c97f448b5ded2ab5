"""Admins hold every permission of the app (migration 0002): also those of dismissed suggestions (0010), which
exist only once this app's permissions are created again here."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

from annotations.roles import ADMINS


def grant(apps, schema_editor):
    app_config = apps.get_app_config("annotations")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admins, _ = Group.objects.get_or_create(name=ADMINS)
    admins.permissions.add(
        *Permission.objects.filter(content_type__app_label="annotations", content_type__model="dismissedsuggestion")
    )


class Migration(migrations.Migration):
    dependencies = [("annotations", "0010_dismissed_suggestions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
