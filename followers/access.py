"""The answers a block or a hidden network gives (docs/safety.md), in one place.

Both are 403s. ``blocked`` is neutral on purpose: the same words whoever blocked whom, so an
answer never tells a blocked user who did it.
"""

from hornet.errors import ErrorCode, Forbidden

BLOCKED_MESSAGE = "You cannot interact with this user."
NETWORK_HIDDEN_MESSAGE = "This user hides whom they follow and who follows them."


def blocked_error() -> Forbidden:
    """403 ``blocked``: a block between the caller and this user, either way, forbids this."""
    return Forbidden(BLOCKED_MESSAGE, code=ErrorCode.BLOCKED)


def network_hidden_error() -> Forbidden:
    """403 ``network_hidden``: the user's follow lists are theirs alone to see."""
    return Forbidden(NETWORK_HIDDEN_MESSAGE, code=ErrorCode.NETWORK_HIDDEN)
