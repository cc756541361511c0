"""Routing by listener paths: host match, longest path prefix on segment boundaries, conflicts, 404."""
import json

from helpers.definitions import proxy_api
from helpers.waiting import wait_until

NOT_FOUND = '{"message":"No context-path matches the request URI.","http_status_code":404}'


def test_no_match_answers_the_gravitee_404(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("api-a", "/a", [a.url()])])
    r = gw.get("/nothing/here")
    assert r.status_code == 404
    assert r.text == NOT_FOUND
    assert r.headers["content-type"].split(";")[0].strip() == "application/json"


def test_no_api_deployed_at_all_answers_404(gantry):
    gw = gantry([])
    r = gw.get("/")
    assert r.status_code == 404
    assert r.text == NOT_FOUND


def test_longest_prefix_wins_on_segment_boundaries(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("api-a", "/a", [a.url()]), proxy_api("api-ab", "/a/b", [b.url()])])
    with gw.client() as c:
        expectations = {
            "/a/b/x": ("B", "/base/x"),
            "/a/b": ("B", "/base"),
            "/a/x": ("A", "/base/x"),
            "/a": ("A", "/base"),
            "/a/bc": ("A", "/base/bc"),  # /a/b is not a prefix of /a/bc on a segment boundary
        }
        for path, (name, backend_path) in expectations.items():
            r = c.get(path)
            assert r.status_code == 200, (path, r.text)
            assert (r.json()["backend"], r.json()["path"]) == (name, backend_path), path
        r = c.get("/ab")
        assert r.status_code == 404
        assert r.text == NOT_FOUND


def test_context_path_is_stripped_and_query_kept(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("api-a", "/a", [a.url("/base")])])
    r = gw.get("/a/x/y?q=1&r=two%20words&q=2")
    assert r.status_code == 200
    body = r.json()
    assert body["path"] == "/base/x/y"
    assert body["query"] == "q=1&r=two%20words&q=2"


def test_host_specific_listener_matches_only_that_host(gantry, backend):
    a = backend("A")
    gw = gantry([proxy_api("api-h", "/h", [a.url()], host="foo.example")])
    with gw.client() as c:
        assert c.get("/h/x", headers={"Host": "foo.example"}).json()["backend"] == "A"
        # The port of the Host header does not take part in matching.
        assert c.get("/h/x", headers={"Host": "foo.example:8443"}).json()["backend"] == "A"
        r = c.get("/h/x", headers={"Host": "bar.example"})
        assert r.status_code == 404
        assert r.text == NOT_FOUND
        assert c.get("/h/x").status_code == 404  # Host: 127.0.0.1:port


def test_host_specific_and_hostless_listeners_on_the_same_path_coexist(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("api-foo", "/h", [a.url()], host="foo.example"),
                 proxy_api("api-any", "/h", [b.url()])])
    with gw.client() as c:
        assert c.get("/h/x", headers={"Host": "foo.example"}).json()["backend"] == "A"
        assert c.get("/h/x", headers={"Host": "other.example"}).json()["backend"] == "B"


def test_second_api_on_same_host_and_path_is_refused_on_reload(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("first-owner", "/dup", [a.url()])])
    assert gw.get("/dup/x").json()["backend"] == "A"
    mark = gw.log_size()
    gw.write_api(proxy_api("second-claimant", "/dup", [b.url()]))
    gw.write_api(proxy_api("reload-marker", "/marker", [b.url()]))
    gw.reload()
    wait_until(lambda: gw.get("/marker/x").status_code == 200, 10, message="reload to deploy /marker")
    with gw.client() as c:
        for _ in range(5):
            assert c.get("/dup/x").json()["backend"] == "A"

    def both_named():
        text = gw.log_since(mark)
        return "second-claimant" in text and "first-owner" in text
    wait_until(both_named, 5, message="a log entry naming both APIs of the conflict")


def test_conflicting_apis_at_start_up_deploy_one_and_log_both(gantry, backend):
    a, b = backend("A"), backend("B")
    gw = gantry([proxy_api("conflict-one", "/dup", [a.url()]),
                 proxy_api("conflict-two", "/dup", [b.url()])])
    with gw.client() as c:
        served = {c.get("/dup/x").json()["backend"] for _ in range(6)}
    assert len(served) == 1, f"both conflicting APIs are serving: {served}"
    wait_until(lambda: "conflict-one" in gw.log() and "conflict-two" in gw.log(), 5,
               message="a log entry naming both conflicting APIs")


def test_api_with_several_listener_paths(gantry, backend):
    a = backend("A")
    api = proxy_api("multi", "/unused", [a.url()], paths=[{"path": "/one"}, {"path": "/two/deep"}])
    gw = gantry([api])
    with gw.client() as c:
        assert c.get("/one/x").json()["path"] == "/base/x"
        assert c.get("/two/deep/y").json()["path"] == "/base/y"
        assert c.get("/two/x").status_code == 404
        assert json.loads(c.get("/unused").text)["http_status_code"] == 404
