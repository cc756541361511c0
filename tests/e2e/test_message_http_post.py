"""The http-post entrypoint over the mock endpoint: 202 on accept, the body reaches the endpoint, the gateway's
body limit applies, and the error shape."""
from helpers.messages import client, engine_stats, message_api
from helpers.waiting import wait_until


def post_ep(headers_to_message=False, qos=None):
    ep = {"type": "http-post", "configuration": {"requestHeadersToMessage": headers_to_message}}
    if qos:
        ep["qos"] = qos
    return ep


def test_post_is_accepted_and_reaches_the_endpoint(gantry):
    gw = gantry([message_api("ingest", "/ingest", [post_ep(True)])])
    with client(gw) as c:
        r = c.post("/ingest", content=b"temperature=21", headers={"X-Sensor": "s1"})
        assert r.status_code == 202
        assert r.content == b""
        assert r.headers["x-gravitee-transaction-id"]
    wait_until(lambda: "mock endpoint 'default' received message: temperature=21" in gw.log(), 10,
               message="the mock endpoint's log line")
    wait_until(lambda: engine_stats(gw)["published"] >= 1, 10, message="published gauge")


def test_many_posts_on_one_connection(gantry):
    gw = gantry([message_api("many", "/many", [post_ep(qos="none")])])
    with client(gw) as c:
        for i in range(50):
            assert c.post("/many", content=f"m{i}".encode()).status_code == 202
    wait_until(lambda: engine_stats(gw)["published"] >= 50, 10, message="50 published")


def test_body_over_the_limit_is_413(gantry):
    gw = gantry([message_api("big", "/big", [post_ep()])], config={"gateway.limits.max_body_bytes": 1024})
    with client(gw) as c:
        r = c.post("/big", content=b"x" * 5000)
        assert r.status_code == 413
        assert r.json()["http_status_code"] == 413


def test_get_on_a_post_only_api_is_404_json(gantry):
    gw = gantry([message_api("only", "/only", [post_ep()])])
    with client(gw) as c:
        r = c.get("/only")
        assert r.status_code == 404
        assert r.json() == {"message": "No entrypoint matches the incoming request", "http_status_code": 404}
