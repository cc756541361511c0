"""json-to-xml and xml-to-json on a proxy API, on the request (what the backend receives) and on the response
(what the client receives), with Gravitee's Content-Type and error answers."""
import json

from helpers.definitions import proxy_api
from helpers.flows import http_flow, step


def api(backend_url, request=(), response=()):
    return proxy_api("jx", "/jx", [backend_url], flows=[http_flow("f", request=request, response=response)])


def test_json_request_reaches_the_backend_as_xml(gantry, backend):
    a = backend("A")
    gw = gantry([api(a.url(), request=[step("json-xml", {"rootElement": "order"})])])
    r = gw.client().post("/jx/raw", json={"id": 7, "items": ["a", "b"], "note": "x&y"})
    assert r.status_code == 200
    assert r.headers["X-Seen-Content-Type"] == "application/xml;charset=UTF-8"
    assert r.text == "<order><id>7</id><items>a</items><items>b</items><note>x&amp;y</note></order>"


def test_json_response_reaches_the_client_as_xml(gantry, backend):
    a = backend("A")
    gw = gantry([api(a.url(), response=[step("json-to-xml", {})])])
    r = gw.client().post("/jx/raw", json={"ok": True})
    assert r.headers["Content-Type"] == "application/xml;charset=UTF-8"
    assert r.text == "<root><ok>true</ok></root>"


def test_invalid_json_request_is_refused_before_the_backend(gantry, backend):
    a = backend("A")
    gw = gantry([api(a.url(), request=[step("json-xml", {"rootElement": "root"})])])
    r = gw.client().post("/jx/raw", content=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["message"] == "Unable to transform invalid JSON into XML: expected a JSON object"
    assert a.stats()["requests"] == 0


def test_xml_request_reaches_the_backend_as_json(gantry, backend):
    a = backend("A")
    gw = gantry([api(a.url(), request=[step("xml-json", {"scope": "REQUEST"})])])
    xml = b'<?xml version="1.0"?><order id="7"><item>a</item><item>b</item><paid>true</paid></order>'
    r = gw.client().post("/jx/raw", content=xml, headers={"Content-Type": "application/xml"})
    assert r.headers["X-Seen-Content-Type"] == "application/json"
    assert json.loads(r.content) == {"order": {"id": 7, "item": ["a", "b"], "paid": True}}


def test_xml_response_reaches_the_client_as_json_and_invalid_xml_is_500(gantry, backend):
    a = backend("A")
    gw = gantry([api(a.url(), response=[step("xml-to-json", {})])])
    with gw.client() as c:
        r = c.post("/jx/raw", content=b"<greeting lang='en'>hello</greeting>",
                   headers={"Content-Type": "text/xml"})
        assert r.headers["Content-Type"] == "application/json"
        assert r.json() == {"greeting": {"lang": "en", "content": "hello"}}
        bad = c.post("/jx/raw", content=b"<a><b></a>", headers={"Content-Type": "text/xml"})
        assert bad.status_code == 500
        assert bad.json()["message"].startswith("Unable to transform invalid XML to Json: ")


def test_round_trip_json_to_xml_then_back(gantry, backend):
    """json-to-xml on the request and xml-to-json on the response: the backend speaks XML, the client JSON."""
    a = backend("A")
    gw = gantry([api(a.url(), request=[step("json-xml", {"rootElement": "doc"})], response=[step("xml-json", {})])])
    r = gw.client().post("/jx/raw", json={"name": "ada", "age": 36})
    assert r.headers["X-Seen-Content-Type"] == "application/xml;charset=UTF-8"
    assert r.json() == {"doc": {"name": "ada", "age": 36}}
