"""The data version: one number that every committed change to articles, claims, sources, users, their groups or
their API tokens increases.

annotations/freshness.py keeps answers (the claim list, an article page's claims, who holds an API token) until it
changes. Triggers, not
Python signals, increase it, so that no way of writing (a service, the admin, the shell, loaddata, a bulk update,
a TRUNCATE) can forget to.

The table is not a model: Django's test flush and dumpdata leave it alone, so the number never goes back and a
kept answer can never be mistaken for a later one.

On PostgreSQL the row triggers are deferred constraint triggers: they run at COMMIT, and only the first of a
transaction updates the row (a transaction-local setting says it is done). The row is therefore locked only for
the commit itself, and, being the last lock a transaction takes, it cannot make a deadlock. (A transaction that makes
its constraints IMMEDIATE, as loaddata does to check foreign keys, or that TRUNCATEs, takes it earlier and could then
deadlock with another writer; PostgreSQL would abort one of the two, which changes nothing.) On SQLite, whose
writers take the whole database in turn, plain triggers do the same.
"""

from django.db import migrations

TABLES = [
    "annotations_article",
    "annotations_claim",
    "annotations_source",
    "auth_user",
    "auth_user_groups",
    "auth_group",
    "authtoken_token",
]

POSTGRESQL = [
    "CREATE TABLE factcheck_data_version (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
    "INSERT INTO factcheck_data_version (id, version) VALUES (1, 1)",
    """
    CREATE FUNCTION factcheck_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('factcheck.data_version_bumped', true) IS DISTINCT FROM 'yes' THEN
            UPDATE factcheck_data_version SET version = version + 1 WHERE id = 1;
            PERFORM set_config('factcheck.data_version_bumped', 'yes', true);
        END IF;
        RETURN NULL;
    END
    $$
    """,
]
for table in TABLES:
    POSTGRESQL += [
        f"CREATE CONSTRAINT TRIGGER factcheck_data_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION factcheck_bump_data_version()",
        f"CREATE TRIGGER factcheck_data_version_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION factcheck_bump_data_version()",
    ]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER factcheck_data_version ON {table}" for table in TABLES),
    *(f"DROP TRIGGER factcheck_data_version_truncate ON {table}" for table in TABLES),
    "DROP FUNCTION factcheck_bump_data_version()",
    "DROP TABLE factcheck_data_version",
]

SQLITE = [
    "CREATE TABLE factcheck_data_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)",
    "INSERT INTO factcheck_data_version (id, version) VALUES (1, 1)",
]
SQLITE_REVERSE = []
for table in TABLES:
    for event in ("INSERT", "UPDATE", "DELETE"):
        name = f"factcheck_data_version_{table}_{event.lower()}"
        SQLITE.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} "
            "BEGIN UPDATE factcheck_data_version SET version = version + 1 WHERE id = 1; END"
        )
        SQLITE_REVERSE.append(f"DROP TRIGGER {name}")
SQLITE_REVERSE.append("DROP TABLE factcheck_data_version")

STATEMENTS = {"postgresql": (POSTGRESQL, POSTGRESQL_REVERSE), "sqlite": (SQLITE, SQLITE_REVERSE)}


def run(statements_index: int):
    def apply(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in STATEMENTS:
            raise RuntimeError(f"The data version has no triggers for {vendor}; PostgreSQL and SQLite are supported.")
        for statement in STATEMENTS[vendor][statements_index]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0007_claim_same_as"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(run(0), run(1))]
