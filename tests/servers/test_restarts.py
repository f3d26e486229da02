"""Data survives a server stop/start; /readyz says 503 while a database is down, 200 after.

These stop the shared test servers, so they restart them before returning.
"""

import uuid

import pytest

from tests.helpers import db_script
from tests.support import env

pytestmark = pytest.mark.slow


def test_mongo_data_survives_restart_and_readyz_follows(api):
    client = env.mongo_client()
    key = uuid.uuid4()
    client["hornet_restart"]["things"].insert_one({"_id": key, "v": "kept"})
    client.close()
    assert api.get("/readyz").status_code == 200
    db_script("mongo", "stop")
    try:
        response = api.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["code"] == "database_unavailable"
        assert set(body) == {"status", "code", "message", "details"}  # hornet.errors.error_body
        assert api.get("/healthz").status_code == 200  # alive, just not ready
    finally:
        db_script("mongo", "start")
    assert api.get("/readyz").status_code == 200  # same process: the client recovered
    client = env.mongo_client()
    try:
        assert client["hornet_restart"]["things"].find_one({"_id": key}) == {
            "_id": key,
            "v": "kept",
        }
    finally:
        client.drop_database("hornet_restart")
        client.close()


def test_neo4j_data_survives_restart():
    key = str(uuid.uuid4())
    with env.neo4j_driver() as driver:
        driver.execute_query("CREATE (:Survivor {key: $key})", key=key)
    db_script("neo4j", "stop")
    db_script("neo4j", "start")
    with env.neo4j_driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (s:Survivor {key: $key}) RETURN count(s) AS n", key=key
        )
        assert records[0]["n"] == 1
        driver.execute_query("MATCH (s:Survivor) DETACH DELETE s")
