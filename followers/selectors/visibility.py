"""What a caller may see of another user's network (docs/safety.md).

One read before a follow list or the mutual list: whether the user hides their network, and
the ids of everyone the caller blocks or is blocked by (at most ``EXCLUDED_IDS_MAX``). Then:

- a block between the caller and the user, either way: 403 ``blocked`` (neutral: the same for
  the blocker and the blocked), for the user's followers, following and mutual lists;
- the user hides their network and is not the caller: 403 ``network_hidden`` for the same
  lists (the counts stay public);
- otherwise the list, leaving out the users the caller blocks or is blocked by. The lists
  filter them on the edges' copies of the endpoint ids, so their plan keeps its shape
  (index seek -> filter -> limit: followers.selectors.lists).
"""

from typing import LiteralString
from uuid import UUID

from followers import graph
from followers.access import blocked_error, network_hidden_error
from followers.selectors.blocks import EXCLUDED_IDS_MAX

VIEW: LiteralString = """
OPTIONAL MATCH (u:User {user_id: $user_id}) USING INDEX SEEK u:User(user_id)
OPTIONAL MATCH (c:User {user_id: $caller}) USING INDEX SEEK c:User(user_id)
RETURN coalesce(u.hide_network, false) AS hide_network,
       CASE WHEN c IS NULL THEN [] ELSE COLLECT {
         MATCH (c)-[k:BLOCKS]-()
         RETURN CASE k.sender_id WHEN $caller THEN k.receiver_id ELSE k.sender_id END
         LIMIT $cap
       } END AS blocks
"""


def network_view(*, caller_id: UUID, user_id: UUID) -> list[str]:
    """The ids to leave out of ``user_id``'s lists as the caller sees them, or the 403 the
    caller gets instead (see the module docstring)."""
    record = graph.read(VIEW, user_id=str(user_id), caller=str(caller_id), cap=EXCLUDED_IDS_MAX)[0]
    blocks = list(record["blocks"])
    if str(user_id) in blocks:
        raise blocked_error()
    if record["hide_network"] and caller_id != user_id:
        raise network_hidden_error()
    return blocks
