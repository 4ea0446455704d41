"""Roles → permissions, in one table. Staff permissions hold over the org of the assignment and its subtree."""

from __future__ import annotations

from enum import StrEnum

from app.orgs.models import StaffRole


class Permission(StrEnum):
    manage_tree = "manage_tree"  # create orgs under, assign secretaries / admins
    manage_catalog = "manage_catalog"
    decide_reports = "decide_reports"  # approve / reject 报到
    view_members = "view_members"
    manage_wishes = "manage_wishes"  # dispatch, recall, reject; the community queue
    view_stats = "view_stats"
    manage_activities = "manage_activities"  # publish, finish, cancel activities; check-in codes; 补卡 decisions
    manage_teams = "manage_teams"  # volunteer teams (create, name the leader, decide joins) and service projects
    manage_points = "manage_points"  # points rates, bonus / deduction, the 爱心超市's items and orders
    manage_joint = "manage_joint"  # 共驻共建 for a community: its needs, adopting resources, its side of projects
    manage_units = "manage_units"  # register 驻区单位, their contact people and council seats
    self_assess = "self_assess"  # 评星定级: a community scores itself
    rate_stars = "rate_stars"  # 评星定级: review (street), set indicators and approve (district)


ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.secretary: frozenset(
        {
            Permission.decide_reports,
            Permission.view_members,
            Permission.manage_wishes,
            Permission.view_stats,
            Permission.manage_activities,
            Permission.manage_teams,
            Permission.manage_points,
            Permission.manage_joint,
            Permission.self_assess,
        }
    ),
    StaffRole.admin: frozenset(Permission),
}
