"""standing changes announced: a NOTIFY on channel `standing` when a user's row, staff roles or memberships change

Each API process caches its callers' standing (app/auth/standing.py) and drops an entry when its user id arrives
on the channel ('' : drop them all, e.g. an org renamed or moved). Triggers rather than calls in the services, so
no path that changes a standing (the API, `xinyuan grant-admin`, an operator's SQL) can forget to announce it.
PostgreSQL sends the messages when the transaction commits, and not at all if it rolls back.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the column holding the user's id, events): a new user has no standing cached yet, a new org none at all.
ROW_TRIGGERS = (
    ("users", "id", "UPDATE OR DELETE"),
    ("role_assignments", "user_id", "INSERT OR UPDATE OR DELETE"),
    ("members", "user_id", "INSERT OR UPDATE OR DELETE"),
)

FUNCTION = """
CREATE FUNCTION standing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('standing', '');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('standing', to_jsonb(OLD) ->> TG_ARGV[0]);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('standing', to_jsonb(NEW) ->> TG_ARGV[0]);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute(FUNCTION)
    for table, column, events in ROW_TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {table}_standing AFTER {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION standing_changed('{column}')"
        )
    # An org renamed, moved or removed changes the grants of everyone over it: all entries go.
    op.execute(
        "CREATE TRIGGER orgs_standing AFTER UPDATE OR DELETE ON orgs "
        "FOR EACH STATEMENT EXECUTE FUNCTION standing_changed()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER orgs_standing ON orgs")
    for table, _column, _events in ROW_TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_standing ON {table}")
    op.execute("DROP FUNCTION standing_changed()")
