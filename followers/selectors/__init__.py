"""Reads of the followers service (Cypher through followers.graph, read transactions)."""

from followers.selectors.blocks import blocks_page, excluded_ids, mutes_page
from followers.selectors.lists import (
    follower_ids_page,
    followers_page,
    following_ids_page,
    following_page,
    mutual_page,
)
from followers.selectors.suggestions import suggestions_for
from followers.selectors.users import Counts, follow_counts, relationship
from followers.selectors.visibility import network_view

__all__ = [
    "Counts",
    "blocks_page",
    "excluded_ids",
    "follow_counts",
    "follower_ids_page",
    "followers_page",
    "following_ids_page",
    "following_page",
    "mutes_page",
    "mutual_page",
    "network_view",
    "relationship",
    "suggestions_for",
]
