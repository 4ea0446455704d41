"""What is kept of a photo: the row here, the image bytes in the store (app/photos/storage.py) under `key`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class PhotoStatus(StrEnum):
    """WeChat's image check (wxa/media_check_async) decides: until it passes only the uploader sees the photo."""

    pending = "pending"  # uploaded, verdict awaited
    passed = "passed"  # seen by everyone who sees the wish
    review = "review"  # no verdict in time, or WeChat said review: before the secretaries
    removed = "removed"  # risky, removed by a secretary, or erased: bytes deleted by the photo worker, then the row


class PhotoStage(StrEnum):
    """Which moment of the wish a photo shows, or which other record it belongs to."""

    order = "order"  # the resident's, with the new wish
    result = "result"  # the member's, with `complete`
    reopen = "reopen"  # the resident's, with `reopen`: what is still wrong
    progress = "progress"  # on a joint project's progress entry (共驻共建)
    evidence = "evidence"  # a star rating self-score's evidence file (评星定级)


class Photo(Base):
    __tablename__ = "photos"
    __table_args__ = (
        Index("ix_photos_wish_id", "wish_id"),
        Index("ix_photos_joint_event_id", "joint_event_id", postgresql_where=text("joint_event_id IS NOT NULL")),
        Index("ix_photos_star_score_id", "star_score_id", postgresql_where=text("star_score_id IS NOT NULL")),
        # A photo belongs to one record at most: a wish, a joint project's progress entry, or a star self-score.
        CheckConstraint("num_nonnulls(wish_id, joint_event_id, star_score_id) <= 1", name="one_owner"),
        Index("ix_photos_uploader_id", "uploader_id"),
        # The photo worker's queues: checks to send, verdicts overdue, bytes to delete.
        Index("ix_photos_unsent", "id", postgresql_where=text("check_trace_id IS NULL AND status = 'pending'")),
        Index("ix_photos_awaiting", "created_at", postgresql_where=text("status = 'pending'")),
        Index("ix_photos_removed", "id", postgresql_where=text("status = 'removed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id", ondelete="CASCADE"))
    joint_event_id: Mapped[int | None] = mapped_column(ForeignKey("joint_project_events.id", ondelete="CASCADE"))
    star_score_id: Mapped[int | None] = mapped_column(ForeignKey("star_scores.id", ondelete="CASCADE"))
    stage: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=PhotoStatus.pending)
    # The store's key of the full image; the thumbnail is `key` + THUMB_SUFFIX.
    key: Mapped[str] = mapped_column(String(100), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The image check: claimed by a worker (a lease), sent (WeChat's trace_id), attempts so far.
    check_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_trace_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    check_attempts: Mapped[int] = mapped_column(Integer, default=0)


class MediaVerdict(Base):
    """A `wxa_media_check` push, by trace_id. Kept apart from the photo because the push may arrive before the
    worker has written the trace_id it got from WeChat onto the photo: whichever comes second settles the photo."""

    __tablename__ = "photo_media_verdicts"

    trace_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    suggest: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MediaLink(Base):
    """A `media_url` an Open311 partner posted with a request: kept as the link it is, never fetched by us (it may
    point anywhere; a fetch would be a request forgery aimed by a stranger). Shown back on GET while the wish has
    no photo of its own."""

    __tablename__ = "photo_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(ForeignKey("wishes.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
