"""Totals of the 志愿服务时长 ledger (`ServiceRecord`): minutes and wishes done per member of a community."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, Subquery, case, func, select

from app.members.models import ServiceKind, ServiceRecord
from app.orgs.models import Level, Org


def communities_under(org: Org) -> Select[int] | list[int]:
    """The communities whose members belong to `org`: itself, its parent (a grid), or those of its subtree."""
    if org.level == Level.grid:
        return [org.parent_id] if org.parent_id is not None else []
    return select(Org.id).where(Org.path.startswith(org.path, autoescape=False), Org.level == Level.community)


def ledger_totals(org: Org, since: datetime | None = None, until: datetime | None = None) -> Subquery:
    """One row per (user_id, community_id) with `minutes` and `done` (completions less reopenings)."""
    where: list[ColumnElement[bool]] = [ServiceRecord.community_id.in_(communities_under(org))]
    if since is not None:
        where.append(ServiceRecord.at >= since)
    if until is not None:
        where.append(ServiceRecord.at < until)
    done = func.sum(case((ServiceRecord.kind == ServiceKind.complete, 1), else_=-1))
    return (
        select(
            ServiceRecord.user_id,
            ServiceRecord.community_id,
            func.sum(ServiceRecord.minutes).label("minutes"),
            done.label("done"),
        )
        .where(*where)
        .group_by(ServiceRecord.user_id, ServiceRecord.community_id)
        .subquery("ledger")
    )
