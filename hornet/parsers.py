"""A strict JSON body parser: invalid UTF-8, deep nesting and non-object bodies are 400s."""

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

MAX_DEPTH = 8  # our bodies are flat objects; anything deeper is hostile or a mistake


def _depth(value: Any, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw:
            return {}
        try:
            data = orjson.loads(raw)  # refuses invalid UTF-8, NaN and nesting past 1024
        except orjson.JSONDecodeError:
            raise ParseError("Body is not valid JSON (UTF-8).") from None
        if not isinstance(data, dict):
            raise ParseError("Body must be a JSON object.")
        if _depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(f"Body is nested deeper than {MAX_DEPTH} levels.")
        return data
