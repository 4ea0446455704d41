"""volunteering beyond wishes: activities with positions, sign-ups, attendance and make-ups; activity hours in the
service_records ledger; the points ledger, balances, rates and the 爱心超市

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = app.db.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _activities() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=40), nullable=False),
        sa.Column("content", sa.String(length=1000), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("geofence_m", sa.Integer(), nullable=True),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("signup_deadline", UTC, nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("attendance_closed_at", UTC, nullable=True),
        sa.CheckConstraint("status IN ('published','finished','cancelled')", name=op.f("ck_activities_status")),
        sa.CheckConstraint("audience IN ('members','residents')", name=op.f("ck_activities_audience")),
        sa.CheckConstraint("starts_at < ends_at AND signup_deadline <= ends_at", name=op.f("ck_activities_times")),
        sa.CheckConstraint(
            "geofence_m IS NULL OR (lat IS NOT NULL AND lng IS NOT NULL)", name=op.f("ck_activities_geofence_place")
        ),
        _fk("activities", "community_id", "orgs"),
        _fk("activities", "grid_id", "orgs"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_activities_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index("ix_activities_community_starts", "activities", ["community_id", "starts_at"])
    op.create_index(
        "ix_activities_open_ends",
        "activities",
        ["ends_at"],
        postgresql_where=sa.text("attendance_closed_at IS NULL"),
    )
    op.create_table(
        "activity_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.CheckConstraint("taken >= 0 AND taken <= seats", name=op.f("ck_activity_positions_seats")),
        _fk("activity_positions", "activity_id", "activities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_positions")),
    )
    op.create_index(op.f("ix_activity_positions_activity_id"), "activity_positions", ["activity_id"])


def _signups() -> None:
    op.create_table(
        "activity_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("withdrawn_at", UTC, nullable=True),
        sa.Column("checked_in_at", UTC, nullable=True),
        sa.Column("checked_out_at", UTC, nullable=True),
        sa.Column("checked_out_by", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "status IN ('signed_up','withdrawn','checked_in','checked_out')", name=op.f("ck_activity_signups_status")
        ),
        sa.CheckConstraint(
            "checked_out_at IS NULL OR checked_in_at <= checked_out_at", name=op.f("ck_activity_signups_order")
        ),
        _fk("activity_signups", "activity_id", "activities"),
        _fk("activity_signups", "position_id", "activity_positions"),
        _fk("activity_signups", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_signups")),
    )
    op.create_index(
        "uq_activity_signups_live",
        "activity_signups",
        ["activity_id", "user_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'withdrawn'"),
    )
    op.create_index("ix_activity_signups_user_id", "activity_signups", ["user_id"])
    op.create_table(
        "activity_makeups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signup_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decision_note", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('check_in','check_out')", name=op.f("ck_activity_makeups_kind")),
        sa.CheckConstraint("status IN ('pending','approved','refused')", name=op.f("ck_activity_makeups_status")),
        _fk("activity_makeups", "signup_id", "activity_signups"),
        _fk("activity_makeups", "activity_id", "activities"),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_activity_makeups_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_makeups")),
    )
    op.create_index(op.f("ix_activity_makeups_signup_id"), "activity_makeups", ["signup_id"])
    op.create_index(op.f("ix_activity_makeups_activity_id"), "activity_makeups", ["activity_id"])
    op.create_index(
        "uq_activity_makeups_pending",
        "activity_makeups",
        ["signup_id", "kind"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )


def _service_records() -> None:
    op.alter_column("service_records", "wish_id", existing_type=sa.Integer(), nullable=True)
    op.add_column("service_records", sa.Column("activity_id", sa.Integer(), nullable=True))
    op.add_column("service_records", sa.Column("signup_id", sa.Integer(), nullable=True))
    op.add_column("service_records", sa.Column("reason", sa.String(length=200), nullable=True))
    op.add_column("service_records", sa.Column("by_user_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_service_records_activity_id_activities"), "service_records", "activities", ["activity_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("fk_service_records_signup_id_activity_signups"),
        "service_records",
        "activity_signups",
        ["signup_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("fk_service_records_by_user_id_users"), "service_records", "users", ["by_user_id"], ["id"]
    )
    op.create_index("ix_service_records_signup_id", "service_records", ["signup_id"])
    op.drop_constraint(op.f("ck_service_records_kind"), "service_records", type_="check")
    op.drop_constraint(op.f("ck_service_records_sign"), "service_records", type_="check")
    op.create_check_constraint(
        op.f("ck_service_records_kind"), "service_records", "kind IN ('complete','reopen','activity','correction')"
    )
    op.create_check_constraint(
        op.f("ck_service_records_sign"),
        "service_records",
        "(kind IN ('complete','activity') AND minutes >= 0) OR (kind = 'reopen' AND minutes <= 0)"
        " OR kind = 'correction'",
    )
    op.create_check_constraint(
        op.f("ck_service_records_source"),
        "service_records",
        "(kind IN ('complete','reopen') AND wish_id IS NOT NULL AND signup_id IS NULL)"
        " OR (kind IN ('activity','correction') AND wish_id IS NULL AND signup_id IS NOT NULL)",
    )
    op.create_check_constraint(
        op.f("ck_service_records_reason"),
        "service_records",
        "kind <> 'correction' OR (reason IS NOT NULL AND by_user_id IS NOT NULL)",
    )


def _points() -> None:
    op.create_table(
        "points_rates",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("per_hour", sa.Integer(), nullable=False),
        sa.Column("per_wish", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("per_hour >= 0 AND per_wish >= 0", name=op.f("ck_points_rates_rates")),
        _fk("points_rates", "community_id", "orgs"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_points_rates_updated_by_users")),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_points_rates")),
    )
    op.create_table(
        "points_balances",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_points_balances_balance")),
        _fk("points_balances", "user_id", "users"),
        _fk("points_balances", "community_id", "orgs"),
        sa.PrimaryKeyConstraint("user_id", "community_id", name=op.f("pk_points_balances")),
    )
    op.create_table(
        "shop_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("price > 0", name=op.f("ck_shop_items_price")),
        sa.CheckConstraint("stock >= 0", name=op.f("ck_shop_items_stock")),
        _fk("shop_items", "community_id", "orgs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_items")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_shop_items_community_id_name")),
    )
    op.create_index(op.f("ix_shop_items_community_id"), "shop_items", ["community_id"])
    op.create_table(
        "shop_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        sa.CheckConstraint("status IN ('ordered','collected','cancelled')", name=op.f("ck_shop_redemptions_status")),
        sa.ForeignKeyConstraint(["item_id"], ["shop_items.id"], name=op.f("fk_shop_redemptions_item_id_shop_items")),
        _fk("shop_redemptions", "community_id", "orgs"),
        _fk("shop_redemptions", "user_id", "users"),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_shop_redemptions_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_redemptions")),
    )
    op.create_index("ix_shop_redemptions_community_status", "shop_redemptions", ["community_id", "status"])
    op.create_index(op.f("ix_shop_redemptions_user_id"), "shop_redemptions", ["user_id"])
    op.create_table(
        "points_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("service_record_id", sa.Integer(), nullable=True),
        sa.Column("wish_id", sa.Integer(), nullable=True),
        sa.Column("redemption_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.CheckConstraint(
            "kind IN ('service','wish','bonus','deduction','redeem','refund')", name=op.f("ck_points_entries_kind")
        ),
        sa.CheckConstraint(
            "(kind IN ('service','wish','bonus','refund') AND points > 0)"
            " OR (kind IN ('deduction','redeem') AND points < 0)",
            name=op.f("ck_points_entries_sign"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('bonus','deduction') OR (reason IS NOT NULL AND by_user_id IS NOT NULL)",
            name=op.f("ck_points_entries_reason"),
        ),
        _fk("points_entries", "user_id", "users"),
        _fk("points_entries", "community_id", "orgs"),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"], name=op.f("fk_points_entries_by_user_id_users")),
        _fk("points_entries", "service_record_id", "service_records"),
        _fk("points_entries", "wish_id", "wishes"),
        _fk("points_entries", "redemption_id", "shop_redemptions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_entries")),
    )
    op.create_index("ix_points_entries_user_community", "points_entries", ["user_id", "community_id", "id"])


def upgrade() -> None:
    _activities()
    _signups()
    _service_records()
    _points()


def downgrade() -> None:
    for table in ("points_entries", "shop_redemptions", "shop_items", "points_balances", "points_rates"):
        op.drop_table(table)
    op.execute("DELETE FROM service_records WHERE kind IN ('activity','correction')")
    for name in ("reason", "source", "sign", "kind"):
        op.drop_constraint(op.f(f"ck_service_records_{name}"), "service_records", type_="check")
    op.create_check_constraint(op.f("ck_service_records_kind"), "service_records", "kind IN ('complete','reopen')")
    op.create_check_constraint(
        op.f("ck_service_records_sign"),
        "service_records",
        "(kind = 'complete' AND minutes >= 0) OR (kind = 'reopen' AND minutes <= 0)",
    )
    op.drop_index("ix_service_records_signup_id", table_name="service_records")
    for column in ("by_user_id", "reason", "signup_id", "activity_id"):
        op.drop_column("service_records", column)
    op.alter_column("service_records", "wish_id", existing_type=sa.Integer(), nullable=False)
    for table in ("activity_makeups", "activity_signups", "activity_positions", "activities"):
        op.drop_table(table)
