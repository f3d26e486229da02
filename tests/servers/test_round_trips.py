"""The real database servers answer real drivers over the network (loopback)."""

import uuid

import neo4j

from tests.support import env


def test_pymongo_insert_and_find_through_the_mongodb_wire_server():
    client = env.mongo_client()
    try:
        coll = client["hornet_roundtrip"]["things"]
        key = uuid.uuid4()
        coll.insert_one({"_id": key, "n": 41})
        coll.update_one({"_id": key}, {"$inc": {"n": 1}})
        assert coll.find_one({"_id": key}) == {"_id": key, "n": 42}
        assert client.server_info()["ok"] == 1
    finally:
        client.drop_database("hornet_roundtrip")
        client.close()


def test_neo4j_write_and_read_through_bolt():
    with env.neo4j_driver() as driver:
        key = str(uuid.uuid4())
        driver.execute_query("CREATE (:RoundTrip {key: $key, n: 7})", key=key)
        records, _, _ = driver.execute_query(
            "MATCH (r:RoundTrip {key: $key}) RETURN r.n AS n", key=key
        )
        assert [r["n"] for r in records] == [7]
        driver.execute_query("MATCH (r:RoundTrip) DETACH DELETE r")


def test_neo4j_refuses_a_wrong_password():
    driver = env.neo4j_driver("wrong-password")
    try:
        try:
            driver.verify_connectivity()
        except neo4j.exceptions.AuthError:
            return
        raise AssertionError("a wrong password was accepted")
    finally:
        driver.close()


def test_concurrent_increments_on_one_document_all_land():
    """As on MongoDB. (FerretDB v1 updates read-then-write: our wrapper serialises its writes.)"""
    import threading

    client = env.mongo_client()
    try:
        coll = client["hornet_atomicity"]["counter"]
        coll.insert_one({"_id": "n", "n": 0})
        threads, each = 16, 10
        barrier = threading.Barrier(threads)

        def bump() -> None:
            barrier.wait()
            for _ in range(each):
                coll.update_one({"_id": "n"}, {"$inc": {"n": 1}})

        workers = [threading.Thread(target=bump) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert coll.find_one({"_id": "n"})["n"] == threads * each
    finally:
        client.drop_database("hornet_atomicity")
        client.close()
