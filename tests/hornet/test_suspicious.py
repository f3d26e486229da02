"""Beyond issue 13: Django's SuspiciousOperation inside a view (1,001+ query parameters) is a
JSON 400, not a 500."""

import uuid

from tests.helpers import headers_for


def test_too_many_query_parameters_is_a_400(api):
    query = "&".join(f"a{i}=1" for i in range(1100))
    response = api.get(f"/numbers?{query}", **headers_for(uuid.uuid4()))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_request"
