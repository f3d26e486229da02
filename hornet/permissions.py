"""Permissions: every route except health needs an identity; authors own their objects."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from hornet.identity import Identity


class HasIdentity(BasePermission):
    """Allow only callers with an identity (401 otherwise)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, Identity)
