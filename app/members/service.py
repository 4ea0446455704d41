"""报到 (member reports) and the member roster."""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound
from app.members.ledger import ledger_totals
from app.members.models import Member, MemberReport, ReportStatus
from app.members.schemas import MemberOut, ReportIn
from app.notifications.service import notify
from app.orgs.models import Level, Org
from app.orgs.service import check_community_grid, get_org
from app.wechat.content import ContentScreen, Scene, user_texts
from app.wishes.machine import Status
from app.wishes.models import Wish


async def submit_report(
    session: AsyncSession, checker: ContentScreen, principal: Principal, body: ReportIn
) -> MemberReport:
    await check_community_grid(session, body.community_id, body.grid_id)
    if principal.membership(body.community_id) is not None:
        raise Conflict(f"you already are a member of community {body.community_id}")
    # The secretary reads it, and residents will read the name on their wishes: WeChat's check first.
    await checker.screen(session, principal.user.openid, Scene.profile, list(user_texts(body).values()))
    skills = [s.strip()[:20] for s in body.skills if s.strip()]
    report = MemberReport(user_id=principal.id, **body.model_dump(exclude={"skills"}), skills=skills)
    try:
        async with session.begin_nested():
            session.add(report)
    except IntegrityError as exc:
        raise Conflict("you already have a pending report to this community") from exc
    return report


async def visible_report(session: AsyncSession, principal: Principal, report_id: int) -> tuple[MemberReport, Org]:
    """The report, if the caller is its author or decides for its community; 404 otherwise."""
    report = await session.get(MemberReport, report_id)
    if report is None:
        raise NotFound.of("member report", report_id)
    community = await get_org(session, report.community_id)
    if report.user_id != principal.id and not principal.can(Permission.decide_reports, community.path):
        raise NotFound.of("member report", report_id)
    return report, community


async def decide_report(
    session: AsyncSession,
    checker: ContentScreen,
    principal: Principal,
    report_id: int,
    approve: bool,
    reason: str | None = None,
) -> MemberReport:
    report, community = await visible_report(session, principal, report_id)
    if not principal.can(Permission.decide_reports, community.path):
        raise Forbidden("only the community's secretary or an admin decides reports")
    _still_pending(report)
    if reason:  # the member reads it
        await checker.screen(session, principal.user.openid, Scene.comment, [reason])
    await session.refresh(report, with_for_update=True)  # two secretaries at once: the second one waits, then 409
    _still_pending(report)
    report.status = ReportStatus.approved if approve else ReportStatus.rejected
    report.reason, report.decided_by, report.decided_at = reason, principal.id, utcnow()
    if approve:
        await _enrol(session, report)
    kind = "report_approved" if approve else "report_rejected"
    await notify(session, [report.user_id], kind, name=community.name, reason=reason or "")
    await session.flush()
    return report


def _still_pending(report: MemberReport) -> None:
    if report.status != ReportStatus.pending:
        raise Conflict(f"report {report.id} is already {report.status}")


async def _enrol(session: AsyncSession, report: MemberReport) -> None:
    fields = {
        "grid_id": report.grid_id,
        "real_name": report.real_name,
        "workplace": report.workplace,
        "party_org": report.party_org,
        "skills": report.skills,
        "active": True,
        "report_id": report.id,
    }
    member = await session.scalar(
        select(Member).where(Member.user_id == report.user_id, Member.community_id == report.community_id)
    )
    if member is None:
        session.add(Member(user_id=report.user_id, community_id=report.community_id, **fields))
    else:
        for name, value in fields.items():
            setattr(member, name, value)


async def roster(session: AsyncSession, principal: Principal, org_id: int) -> list[MemberOut]:
    org = await get_org(session, org_id)
    if not principal.can(Permission.view_members, org.path):
        raise Forbidden("only secretaries and admins over this org see its members")
    active = func.count(case((Wish.status.in_([Status.dispatched, Status.accepted]), 1)))
    done = func.count(case((Wish.status == Status.done, 1)))
    # Hours come from the ledger (one row per member there, so max() only carries it through the wish join).
    ledger = ledger_totals(org)
    minutes = func.coalesce(func.max(ledger.c.minutes), 0)
    community = Org.__table__.alias("community")
    query = (
        select(Member, active, done, minutes)
        .join(community, community.c.id == Member.community_id)
        .outerjoin(ledger, and_(ledger.c.user_id == Member.user_id, ledger.c.community_id == Member.community_id))
        .outerjoin(Wish, and_(Wish.assignee_id == Member.user_id, Wish.community_id == Member.community_id))
        .where(Member.active.is_(True))
        .group_by(Member.id)
        .order_by(Member.id)
    )
    if org.level == Level.grid:
        query = query.where(Member.grid_id == org.id)
    else:
        query = query.where(community.c.path.startswith(org.path))
    rows = await session.execute(query)
    return [
        MemberOut(
            user_id=m.user_id,
            real_name=m.real_name,
            community_id=m.community_id,
            grid_id=m.grid_id,
            workplace=m.workplace,
            party_org=m.party_org,
            skills=list(m.skills),
            active_tasks=a,
            done_tasks=d,
            service_minutes=int(s),
        )
        for m, a, d, s in rows
    ]


async def list_reports(
    session: AsyncSession, principal: Principal, status: ReportStatus | None, limit: int, after: int | None
) -> list[MemberReport]:
    """Reports of the communities the caller decides for (and the caller's own), newest first."""
    paths = principal.grant_paths(Permission.decide_reports)
    community = Org.__table__.alias("community")
    query = select(MemberReport).join(community, community.c.id == MemberReport.community_id)
    query = query.where(or_(MemberReport.user_id == principal.id, *(community.c.path.startswith(p) for p in paths)))
    if status is not None:
        query = query.where(MemberReport.status == status)
    if after is not None:
        query = query.where(MemberReport.id < after)
    return list(await session.scalars(query.order_by(MemberReport.id.desc()).limit(limit + 1)))
