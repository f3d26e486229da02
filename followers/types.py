"""What the followers services and selectors return: small typed records, no HTTP (pages of
them are ``hornet.pagination.Page``)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from hornet.timestamps import rfc3339


@dataclass(frozen=True, slots=True)
class Follow:
    """One FOLLOWS edge, in v1's JSON shape."""

    id: UUID
    sender_id: UUID
    receiver_id: UUID
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sender_id": self.sender_id,
            "receiver_id": self.receiver_id,
            "created_at": rfc3339(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class UserRef:
    user_id: UUID
    username: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "username": self.username}


@dataclass(frozen=True, slots=True)
class Relationship:
    """A user as seen by the caller: counts, and who follows whom between the two."""

    user_id: UUID
    username: str | None
    followers_count: int
    following_count: int
    following: bool  # the caller follows this user
    followed_by: bool  # this user follows the caller

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "username": self.username,
            "followers_count": self.followers_count,
            "following_count": self.following_count,
            "following": self.following,
            "followed_by": self.followed_by,
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    user_id: UUID
    username: str | None
    mutual_count: int
    followers_count: int  # ranks ties; not part of the JSON item
    mutuals: list[UserRef] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "username": self.username,
            "mutual_count": self.mutual_count,
            "mutuals": [m.as_dict() for m in self.mutuals],
        }


@dataclass(frozen=True, slots=True)
class Block:
    """A user the caller blocks, and since when."""

    user_id: UUID
    username: str | None
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "username": self.username,
            "created_at": rfc3339(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class Mute(Block):
    """A user the caller mutes, since when and until when (None: for ever)."""

    expires_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        expires = rfc3339(self.expires_at) if self.expires_at is not None else None
        return {**Block.as_dict(self), "expires_at": expires}
