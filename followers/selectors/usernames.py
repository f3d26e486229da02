"""Usernames to user ids, a few at a time (the posts service resolves ``@mentions`` with it).

One query for all the names, each an index seek on ``index_User_username``
(followers.graph_schema). Usernames are those the identity headers presented (Keycloak's
``preferred_username``, lowercase); should two users carry the same one (a rename not yet seen
on the old holder), the smallest user id is answered, so the answer is at least stable.
"""

from collections.abc import Sequence
from typing import LiteralString
from uuid import UUID

from followers import graph

MAX_USERNAMES = 50  # per call: a post mentions a handful of people

IDS_BY_USERNAME: LiteralString = """
UNWIND $names AS name
MATCH (u:User {username: name})
USING INDEX u:User(username)
RETURN name, min(u.user_id) AS user_id
"""


def user_ids_by_username(*, usernames: Sequence[str]) -> dict[str, UUID]:
    """The user id of each known username; unknown ones are left out."""
    names = list(dict.fromkeys(usernames))
    if not names:
        return {}
    records = graph.read(IDS_BY_USERNAME, names=names)
    return {record["name"]: UUID(record["user_id"]) for record in records}
