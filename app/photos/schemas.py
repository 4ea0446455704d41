from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.photos.models import PhotoStage, PhotoStatus


class PhotoOut(BaseModel):
    id: int
    wish_id: int | None
    joint_event_id: int | None = Field(default=None, description="the joint project's progress entry it shows")
    star_score_id: int | None = Field(default=None, description="the star rating self-score it is evidence for")
    stage: PhotoStage | None
    status: PhotoStatus = Field(description="pending: only the uploader sees it until WeChat's image check passes")
    width: int
    height: int
    uploader_id: int
    created_at: datetime
    url: str = Field(description="the photo, a signed URL good for PHOTO_URL_SECONDS")
    thumb_url: str = Field(description="its thumbnail, likewise signed")


class PhotoList(BaseModel):
    items: list[PhotoOut]


class PhotoReviewIn(BaseModel):
    model_config = {"extra": "forbid"}
    decision: Literal["keep", "remove"]
