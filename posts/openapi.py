"""OpenAPI pieces for the posts views: the error body and the responses every route shares.

The schema generator cannot see what a view raises, so each action lists its errors here.
"""

from drf_spectacular.utils import OpenApiResponse

from hornet.openapi import error_responses, uuid_path

_ERRORS = {
    400: "Invalid input: `details` names each offending field (or `cursor`, `limit`, `id`).",
    401: "No identity, or a malformed one.",
    403: "The caller is not the author.",
    404: "No such post (`details` names the id field).",
    429: "Too many writes; see `Retry-After`.",
    503: "The database is unavailable; retry later.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for these statuses (plus 401 and 503, which every route may answer)."""
    return error_responses(statuses, _ERRORS)


POST_ID = uuid_path("id", "The post's id.")
