"""Totals of the 志愿服务时长 ledger (`ServiceRecord`): minutes and wishes done per member of a community."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Subquery, case, func, select

from app.members.models import ServiceKind, ServiceRecord
from app.orgs.models import Org
from app.orgs.queries import communities_under


def ledger_totals(org: Org, since: datetime | None = None, until: datetime | None = None) -> Subquery:
    """One row per (user_id, community_id) with `minutes` (wishes and activities) and `done` (completions less
    reopenings)."""
    where: list[ColumnElement[bool]] = [ServiceRecord.community_id.in_(communities_under(org))]
    if since is not None:
        where.append(ServiceRecord.at >= since)
    if until is not None:
        where.append(ServiceRecord.at < until)
    done = func.sum(
        case((ServiceRecord.kind == ServiceKind.complete, 1), (ServiceRecord.kind == ServiceKind.reopen, -1), else_=0)
    )
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
