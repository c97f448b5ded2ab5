"""manage.py advance_id_counters: after `loaddata`, move each table's id counter past every id its rows, the rows
that refer to it and its history hold (docs/backup.md). A counter never moves back.

`loaddata` moves a counter only past the rows it loaded, so the claim (source, article, user) deleted last before a
backup would give its id to the next new one: that one's history would begin with the deleted one's, and it would
take over the deleted claim's annotation IRI. `pg_restore` keeps the counters as they were and needs none of this.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max


class Command(BaseCommand):
    help = "After loaddata: every id counter continues past the ids the tables and their history hold."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options) -> None:
        connection = connections[database]
        models = apps.get_models(include_auto_created=True)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for model in models:
                pk = model._meta.pk
                if pk.get_internal_type() not in ("AutoField", "BigAutoField"):
                    continue
                columns = [(model, pk.attname)]
                columns += [
                    (other, field.attname)
                    for other in models
                    for field in other._meta.concrete_fields
                    if field.many_to_one and field.related_model is model
                ]
                if hasattr(model, "history"):
                    columns.append((model.history.model, "id"))
                last = max(
                    table._base_manager.using(database).aggregate(n=Max(column))["n"] or 0 for table, column in columns
                )
                table = model._meta.db_table
                # Never backwards: rows deleted since the counter passed them keep their ids retired.
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
                    (sequence,) = cursor.fetchone()
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # a name PostgreSQL gave
                    value, called = cursor.fetchone()
                    last = max(last, value if called else value - 1)
                    cursor.execute("SELECT setval(%s, %s, %s)", [sequence, max(last, 1), last > 0])
                elif connection.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    last = max([last, *(seq for (seq,) in cursor.fetchall())])
                    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last])
                else:
                    raise NotImplementedError(f"id counters of {connection.vendor} databases")
                if options["verbosity"] > 1:
                    self.stdout.write(f"{table}: ids continue after {last}")
