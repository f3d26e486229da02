"""A tiny urlconf that exercises the shared plumbing without either service's data."""

from django.urls import path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hornet import errors
from hornet.pagination import page_params, page_response
from hornet.urls import common_urlpatterns


class Echo(serializers.Serializer):
    content = serializers.CharField(max_length=10)


class WhoAmI(APIView):
    def get(self, request: Request) -> Response:
        return Response({"user_id": request.user.user_id, "username": request.user.username})

    def post(self, request: Request) -> Response:
        data = Echo(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data, status=201)


class Boom(APIView):
    def get(self, request: Request, kind: str) -> Response:
        if kind == "conflict":
            raise errors.Conflict("Already there.", details={"id": "x"})
        if kind == "db":
            from pymongo.errors import ServerSelectionTimeoutError

            raise ServerSelectionTimeoutError("localhost:1: [Errno 111] Connection refused")
        raise RuntimeError("secret internal detail")


class Numbers(APIView):
    def get(self, request: Request) -> Response:
        params = page_params(request)
        start = int(params.after["n"]) + 1 if params.after else 0
        items = list(range(start, min(start + params.limit, 45)))
        more = items and items[-1] < 44
        return page_response(request, items, {"n": items[-1]} if more else None)


handler404 = "hornet.views.not_found"
urlpatterns = [
    *common_urlpatterns("posts"),
    path("whoami", WhoAmI.as_view()),
    path("boom/<str:kind>", Boom.as_view()),
    path("numbers", Numbers.as_view()),
]
