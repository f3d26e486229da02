"""The one exception handler: JSON {code, message, details} for every failure."""

from tests.helpers import headers_for


def test_validation_error_names_the_field(api, alice):
    response = api.post("/whoami", {"content": "x" * 11}, format="json", **headers_for(alice))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "content" in body["details"]


def test_domain_error_carries_status_and_code(api, alice):
    response = api.get("/boom/conflict", **headers_for(alice))
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "Already there.",
        "details": {"id": "x"},
    }


def test_driver_outage_is_503_without_the_driver_text(api, alice):
    response = api.get("/boom/db", **headers_for(alice))
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert "Errno" not in response.content.decode()


def test_unknown_error_is_generic_500_with_request_id(api, alice):
    response = api.get("/boom/other", HTTP_X_REQUEST_ID="req-123", **headers_for(alice))
    assert response.status_code == 500
    assert response.json()["details"] == {"request_id": "req-123"}
    assert "secret" not in response.content.decode()
    assert response["X-Request-ID"] == "req-123"


def test_unknown_route_is_json_404(api):
    response = api.get("/no/such/route")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_invalid_json_is_400(api, alice):
    response = api.post(
        "/whoami", b"{not json", content_type="application/json", **headers_for(alice)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_invalid_utf8_is_400(api, alice):
    body = b'{"content": "\xff\xfe"}'
    response = api.post("/whoami", body, content_type="application/json", **headers_for(alice))
    assert response.status_code == 400


def test_deep_nesting_is_400(api, alice):
    body = '{"content": ' + "[" * 5000 + "]" * 5000 + "}"
    response = api.post("/whoami", body, content_type="application/json", **headers_for(alice))
    assert response.status_code == 400


def test_non_object_body_is_400(api, alice):
    response = api.post("/whoami", b"[1, 2]", content_type="application/json", **headers_for(alice))
    assert response.status_code == 400


def test_oversized_body_is_413_json(api, alice, settings):
    body = '{"content": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    response = api.post("/whoami", body, content_type="application/json", **headers_for(alice))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
