"""HTTP for the home feed and for the followers service's "following changed" signal."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hornet.authentication import caller, forward
from hornet.metrics import FEED_DEGRADED
from hornet.pagination import PAGE_PARAMETERS, page_params, page_response, paged
from posts import feed
from posts.openapi import errors
from posts.serializers import FollowingChangedIn, PostOut
from posts.viewer import posts_out

DEGRADED_HEADER = "X-Feed-Degraded"


class FeedView(APIView):
    @extend_schema(
        operation_id="feed",
        summary="The caller's home feed",
        description="Posts and shares by the people the caller follows and by the caller, "
        "newest first; replies excluded. When the followers service cannot be reached the "
        f"feed still answers (the caller's own posts plus the last known following list) "
        f"with the header `{DEGRADED_HEADER}: true`.",
        parameters=PAGE_PARAMETERS,
        responses={200: paged(PostOut, "Feed posts."), **errors(400)},
        tags=["feed"],
    )
    def get(self, request: Request) -> Response:
        params = page_params(request)
        result = feed.feed_page(forward=forward(request), limit=params.limit, after=params.after)
        headers = {DEGRADED_HEADER: "true"} if result.degraded else None
        if result.degraded:
            FEED_DEGRADED.inc()
        items = posts_out(result.page.items, caller(request).user_id)
        return page_response(request, items, result.page.next_cursor, headers=headers)


class FollowingChangedView(APIView):
    @extend_schema(
        operation_id="following_changed",
        summary="Internal: the caller's following list changed",
        description="Called by the followers service after the caller follows or unfollows "
        "`followee_id` (`following` true or false), so the caller's next feed page reflects it "
        "at once: the cached following list is dropped and the stored timeline gets the "
        "followee's latest posts, or loses them. Without a body the timeline is rebuilt. Only "
        "the followers service may call it in production (mesh AuthorizationPolicy).",
        request=FollowingChangedIn,
        responses={204: OpenApiResponse(description="Noted."), **errors(400)},
        tags=["internal"],
    )
    def post(self, request: Request) -> Response:
        data = FollowingChangedIn(data=request.data or {})
        data.is_valid(raise_exception=True)
        feed.following_changed(
            user_id=caller(request).user_id,
            followee=data.validated_data.get("followee_id"),
            following=data.validated_data.get("following"),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
