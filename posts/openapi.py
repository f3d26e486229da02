"""OpenAPI pieces for the posts views: what each error status means for posts, the post id
parameter, and a schema class that marks request bodies required.

The schema generator cannot see what a view raises, so each action lists its errors with
``errors()``; the error body and the statuses every route may answer are hornet.openapi's.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from hornet.openapi import error_responses, uuid_path

_ERRORS = {
    400: "Invalid input: `details` names each offending field (or `cursor`, `limit`, `id`).",
    401: "No identity, or a malformed one.",
    403: "The caller is not the author; or `blocked`: a block (either way) between the caller "
    "and the author of the post replied to or shared.",
    404: "No such post (`details` names the id field).",
    409: "A request with this `Idempotency-Key` is still in progress; retry shortly.",
    422: "This `Idempotency-Key` was used with a different request body.",
    429: "Too many writes; see `Retry-After`.",
    503: "The database is unavailable; or `followers_unavailable`: the caller's blocks cannot be "
    "learnt from the followers service (none known), so the read cannot filter; retry later.",
}


def errors(*statuses: int, described: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:
    """Error responses for these statuses, plus those every route may answer
    (hornet.openapi.error_responses: 401, 503 and the server's own 414 and 431); ``described``
    replaces the usual text of a status where a route means something else by it."""
    return error_responses(statuses, {**_ERRORS, **(described or {})})


POST_ID = uuid_path("id", "The post's id.")


class PostsAutoSchema(AutoSchema):
    """Every body the posts views accept is required: an absent body is parsed as ``{}``,
    which no create or edit accepts (the generator would otherwise call it optional)."""

    def _get_request_body(self, direction: str = "request") -> Any:
        body = super()._get_request_body(direction)
        if body:
            body["required"] = True
        return body
