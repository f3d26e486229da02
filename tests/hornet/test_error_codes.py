"""The closed set of error codes (hornet.errors.ErrorCode): nothing answers outside it."""

import ast
from pathlib import Path

import pytest
from rest_framework import serializers

from followers import serializers as followers_serializers
from hornet import gunicorn_errors
from hornet.error_handler import _DRF_CODES
from hornet.errors import ERROR_CODE_DESCRIPTIONS, DomainError, ErrorCode, InvalidInput, error_body
from hornet.serializers import StrictFieldsSerializer
from posts import serializers as posts_serializers

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for d in ("hornet", "posts", "followers") for p in (ROOT / d).rglob("*.py"))


def test_every_code_is_described():
    assert set(ERROR_CODE_DESCRIPTIONS) == set(ErrorCode)
    assert all(text.strip() for text in ERROR_CODE_DESCRIPTIONS.values())


def test_an_error_with_a_code_outside_the_set_cannot_be_built():
    with pytest.raises(ValueError):
        DomainError("x", code="made_up")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        InvalidInput.for_field("f", "x", code="made_up")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        error_body("made_up", "x")  # type: ignore[arg-type]
    assert error_body(ErrorCode.NOT_FOUND, "x") == {
        "code": "not_found",
        "message": "x",
        "details": None,
    }


def _written_codes(tree: ast.AST) -> list[str]:
    """String constants written where a code goes: ``code = "..."`` (class attributes),
    ``code="..."`` (keywords), ``{"code": "..."}`` and a third positional ``for_field`` argument.
    """
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets)
        ) or (isinstance(node, ast.keyword) and node.arg == "code"):
            found.append(node.value)
        elif isinstance(node, ast.Dict):
            found += [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "code"
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "for_field"
            and len(node.args) >= 3
        ):
            found.append(node.args[2])
    return [ast.unparse(v) for v in found if isinstance(v, ast.Constant)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_in_the_code_base_is_a_member(source):
    assert _written_codes(ast.parse(source.read_text())) == []


def test_every_domain_error_and_mapped_code_is_a_member():
    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    assert all(isinstance(cls.code, ErrorCode) for cls in subclasses(DomainError))
    assert all(isinstance(code, ErrorCode) for code in _DRF_CODES.values())
    assert all(isinstance(code, ErrorCode) for code, _ in gunicorn_errors._ANSWERS.values())


def test_every_input_serializer_is_strict():
    modules = [posts_serializers, followers_serializers]
    inputs = [
        cls
        for module in modules
        for name, cls in vars(module).items()
        if name.endswith("In") and isinstance(cls, type) and issubclass(cls, serializers.Serializer)
    ]
    assert len(inputs) >= 3
    assert all(issubclass(cls, StrictFieldsSerializer) for cls in inputs)
