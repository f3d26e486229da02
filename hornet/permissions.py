"""The one DRF permission: a view answers only a caller with an identity (401 otherwise).

It is every DRF view's default (REST_FRAMEWORK in settings); the schema views opt out, and
the probes and the dev "act as" page are plain Django views. Who may change an object (only
its author, only the follower) is a rule of the services, which raise ``Forbidden``; who may
call an internal route is decided by the mesh (the AuthorizationPolicy in k8s/).
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from hornet.identity import Identity


class HasIdentity(BasePermission):
    """Allow only callers with an identity (401 otherwise)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, Identity)
