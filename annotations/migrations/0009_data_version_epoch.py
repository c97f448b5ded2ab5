"""An epoch beside the data version: a random text made when the table is, part of every kept answer's key.

Should the version ever go back (the table dropped and made again by migrating back and forth, a rebuilt database),
the new epoch keeps answers kept under the same number from being taken for current ones.
"""

from django.db import migrations

FORWARD = {
    "postgresql": [
        "ALTER TABLE factcheck_data_version ADD COLUMN epoch text NOT NULL DEFAULT ''",
        "UPDATE factcheck_data_version SET epoch = md5(random()::text || clock_timestamp()::text)",
    ],
    "sqlite": [
        "ALTER TABLE factcheck_data_version ADD COLUMN epoch text NOT NULL DEFAULT ''",
        "UPDATE factcheck_data_version SET epoch = lower(hex(randomblob(16)))",
    ],
}
BACKWARD = ["ALTER TABLE factcheck_data_version DROP COLUMN epoch"]


def forward(apps, schema_editor) -> None:
    for statement in FORWARD[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def backward(apps, schema_editor) -> None:
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0008_data_version")]

    operations = [migrations.RunPython(forward, backward)]
