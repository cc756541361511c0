"""cache on a proxy API: a response is stored once and served from the gateway's memory while it lives; the
key, the methods, the response condition and X-Gravitee-Cache decide what is cached."""
from helpers.definitions import proxy_api
from helpers.flows import http_flow, step

RESOURCE = [{"name": "my-cache", "type": "cache", "enabled": True,
             "configuration": {"timeToLiveSeconds": 600, "maxEntriesLocalHeap": 100}}]


def caching(backend, resources=RESOURCE, **config):
    conf = {"cacheName": "my-cache", "timeToLiveSeconds": 600}
    conf.update(config)
    return proxy_api("ca", "/ca", [backend.url()], resources=resources,
                     flows=[http_flow("f", request=[step("cache", conf)])])


def test_second_request_is_served_from_the_cache(gantry, backend):
    a = backend("A")
    gw = gantry([caching(a)])
    with gw.client() as c:
        first = c.get("/ca/items")
        second = c.get("/ca/items")
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["X-Backend-Name"] == "A"
    assert second.headers["X-Gravitee-Request-Id"] != first.headers["X-Gravitee-Request-Id"]
    assert a.stats()["requests"] == 1


def test_key_methods_and_condition_decide_what_is_cached(gantry, backend):
    a = backend("A")
    gw = gantry([caching(a, key="{#request.params['id'][0]}")])
    with gw.client() as c:
        assert c.get("/ca/x", params={"id": "1"}).json()["query"] == "id=1"
        assert c.get("/ca/x", params={"id": "2"}).json()["query"] == "id=2"
        assert c.get("/ca/x", params={"id": "1"}).json()["query"] == "id=1"
        assert a.stats()["requests"] == 2
        c.post("/ca/x", params={"id": "1"})
        c.post("/ca/x", params={"id": "1"})  # POST is not a cached method by default
        assert a.stats()["requests"] == 4
        c.get("/ca/status/500", params={"id": "9"})
        c.get("/ca/status/500", params={"id": "9"})  # only 2xx is stored by default
        assert a.stats()["requests"] == 6


def test_cache_action_header_by_passes_or_refreshes(gantry, backend):
    a = backend("A")
    gw = gantry([caching(a)])
    with gw.client() as c:
        c.get("/ca/y")
        bypassed = c.get("/ca/y", headers={"X-Gravitee-Cache": "BY_PASS"}).json()
        assert "x-gravitee-cache" not in bypassed["headers"]
        assert a.stats()["requests"] == 2
        c.get("/ca/y", headers={"X-Gravitee-Cache": "REFRESH"})
        c.get("/ca/y")
        assert a.stats()["requests"] == 3


def test_response_cache_headers_shorten_or_forbid_storing(gantry, backend):
    a = backend("A")
    gw = gantry([caching(a, key="{#request.params['cc'][0]}", useResponseCacheHeaders=True,
                         responseCondition="{#upstreamResponse.status == 200}")])
    with gw.client() as c:
        for _ in range(2):  # max-age=0: never stored
            assert c.get("/ca/raw", params={"cc": "max-age=0"}).headers["Cache-Control"] == "max-age=0"
        assert a.stats()["requests"] == 2
        for _ in range(2):  # max-age=60: stored
            assert c.get("/ca/raw", params={"cc": "max-age=60"}).headers["Cache-Control"] == "max-age=60"
        assert a.stats()["requests"] == 3
        for _ in range(2):  # a 201 fails the response condition
            c.get("/ca/raw", params={"cc": "max-age=60", "status": "201"})
        assert a.stats()["requests"] == 3  # same key as above: served from the cache
        for _ in range(2):
            c.get("/ca/raw", params={"cc": "s-maxage=60", "status": "201"})
        assert a.stats()["requests"] == 5


def test_missing_cache_resource_answers_500(gantry, backend):
    a = backend("A")
    gw = gantry([caching(a, resources=[])])
    r = gw.get("/ca/z")
    assert r.status_code == 500
    assert r.json()["message"] == "No cache has been defined with name my-cache"
    assert a.stats()["requests"] == 0
