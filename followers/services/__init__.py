"""Writes of the followers service (HackSoft-style services: keyword-only, no HTTP)."""

from followers.services.blocks import block_create, block_remove
from followers.services.follows import (
    follow_create,
    follow_remove,
    follow_remove_by_user,
    follows_create_many,
)
from followers.services.mutes import mute_create, mute_remove
from followers.services.suggestions import suggestion_dismiss
from followers.services.users import forget_seen, user_seen, user_upsert, users_upsert_many

__all__ = [
    "block_create",
    "block_remove",
    "follow_create",
    "follow_remove",
    "follow_remove_by_user",
    "follows_create_many",
    "forget_seen",
    "mute_create",
    "mute_remove",
    "suggestion_dismiss",
    "user_seen",
    "user_upsert",
    "users_upsert_many",
]
