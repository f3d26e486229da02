"""Dismissing a suggestion: a DISMISSED edge that keeps the user out of the caller's list."""

from typing import LiteralString
from uuid import UUID

from followers import graph
from followers.services.users import SET_USERNAME
from hornet.errors import ErrorCode, InvalidInput

DISMISS: LiteralString = (
    graph.merge_user("me", "$user_id")
    + SET_USERNAME
    + graph.merge_user("u", "$dismissed_id")
    + """MERGE (me)-[d:DISMISSED]->(u)
  ON CREATE SET d.created_at = datetime()
"""
)


def suggestion_dismiss(*, user_id: UUID, dismissed_id: UUID, username: str | None = None) -> None:
    """Keep ``dismissed_id`` out of ``user_id``'s suggestions from now on. Idempotent."""
    if user_id == dismissed_id:
        raise InvalidInput.for_field(
            "user_id", "You cannot dismiss yourself.", ErrorCode.SELF_DISMISS
        )
    graph.write(DISMISS, user_id=str(user_id), dismissed_id=str(dismissed_id), username=username)
