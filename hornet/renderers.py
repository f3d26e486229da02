"""JSON rendering with orjson: UUIDs and datetimes natively, several times faster than json.

API clients get compact JSON. The browsable API (development) asks for an indent (DRF passes
``indent`` in the renderer context, or ``; indent=N`` in the media type) and gets it
pretty-printed, two spaces, so a page of posts is readable in a browser.
"""

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import BaseRenderer

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def wants_indent(accepted_media_type: str | None, context: Mapping[str, Any] | None) -> bool:
    """True when the caller asked for indented JSON (the browsable API does)."""
    if context and context.get("indent"):
        return True
    return "indent=" in (accepted_media_type or "").replace(" ", "")


class FastJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if wants_indent(accepted_media_type, renderer_context):
            return orjson.dumps(data, option=_OPTIONS | orjson.OPT_INDENT_2)
        return orjson.dumps(data, option=_OPTIONS)
