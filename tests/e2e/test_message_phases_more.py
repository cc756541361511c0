"""Message API flows beyond filtering and headers: the response phase on each entrypoint's response, latency on
messages (publish and subscribe), and body policies (assign-content, json-to-xml, xml-to-json) on messages."""
import asyncio
import time

import websockets

from helpers.flows import step
from helpers.messages import SseReader, client, message_api, sse_stream
from helpers.waiting import wait_until
from test_message_policies import channel_flow, events_of

RESPONSE_HEADERS = step("transform-headers", {
    "addHeaders": [{"name": "x-phase", "value": "response"},
                   {"name": "x-method", "value": "{#request.method}"}]})


def test_response_phase_runs_on_each_entrypoint_response(gantry, slow):
    """Gravitee runs a message API's response flows on the response its entrypoint sends: the SSE stream's head,
    the http-get batch, the http-post acknowledgement and the websocket handshake."""
    api = message_api("resp", "/resp", ["sse", "http-get", "http-post", "websocket"], interval=1, count=2)
    api["flows"] = [channel_flow("resp", response=[RESPONSE_HEADERS])]
    gw = gantry([api])
    with client(gw) as c:
        with sse_stream(c, "/resp") as r:
            assert r.status_code == 200
            assert (r.headers["x-phase"], r.headers["x-method"]) == ("response", "GET")
            assert r.headers["connection"] == "close"  # the stream ends the connection: no client may reuse it
            r.read()
        r = c.get("/resp", headers={"Accept": "application/json"}, params={"limit": "1"})
        assert r.status_code == 200, r.text
        assert r.headers["x-phase"] == "response"
        r = c.post("/resp", content=b"hello")
        assert r.status_code == 202
        assert (r.headers["x-phase"], r.headers["x-method"]) == ("response", "POST")

    async def handshake():
        async with websockets.connect(f"ws://127.0.0.1:{gw.port}/resp") as ws:
            return dict(ws.response_headers)

    headers = asyncio.run(asyncio.wait_for(handshake(), 30 * slow))
    assert headers.get("x-phase") == "response", headers


def test_latency_on_subscribe_shifts_every_message(gantry):
    api = message_api("lat-sub", "/lat-sub", ["sse"], interval=1, count=3)
    api["flows"] = [channel_flow("latency", subscribe=[step("latency", {"time": 400, "timeUnit": "MILLISECONDS"})])]
    gw = gantry([api])
    with client(gw) as c:
        with sse_stream(c, "/lat-sub") as r:
            reader = SseReader(r)
            opened = time.monotonic()
            first = None
            got = []
            while True:
                ev = reader.next_event()
                if ev is None:
                    break
                if ev.event is None:
                    continue  # the retry block
                first = first or time.monotonic()
                got.append(ev.data)
    assert got == ["mock message"] * 3  # delayed, none lost
    assert first - opened >= 0.4 - 0.05, first - opened


def test_latency_on_publish_holds_the_message(gantry):
    api = message_api("lat-pub", "/lat-pub", ["http-post"])
    api["flows"] = [channel_flow("latency", publish=[step("latency", {"time": 300})])]
    gw = gantry([api])
    with client(gw) as c:
        started = time.monotonic()
        r = c.post("/lat-pub", content=b"late")
        elapsed = time.monotonic() - started
    assert r.status_code == 202
    assert elapsed >= 0.3 - 0.05, elapsed
    wait_until(lambda: "received message: late" in gw.log(), 10, message="the published message")


def test_json_to_xml_and_assign_content_on_subscribed_messages(gantry):
    api = message_api("body-sub", "/body-sub", ["sse"], interval=1, count=2)
    api["flows"] = [channel_flow("body", subscribe=[
        step("policy-assign-content", {"body": '{"greeting": "{#message.content}"}'}),
        step("json-xml", {"rootElement": "msg"}),
        step("policy-assign-content", {"body": "{#message.content}<!-- {#message.headers['Content-Type'][0]} -->"}),
    ])]
    gw = gantry([api])
    with client(gw) as c:
        got = events_of(c, "/body-sub")
    assert [e.data for e in got] == [
        "<msg><greeting>mock message</greeting></msg><!-- application/xml;charset=UTF-8 -->"] * 2


def test_xml_to_json_on_subscribed_messages_and_its_failure(gantry):
    good = message_api("xml-sub", "/xml-sub", ["sse"], interval=1, count=1)
    good["flows"] = [channel_flow("x", subscribe=[
        step("policy-assign-content", {"body": "<a><b>1</b><c>{#message.content}</c></a>"}), step("xml-json")])]
    bad = message_api("xml-bad", "/xml-bad", ["sse"], interval=1, count=3, content="not xml")
    bad["flows"] = [channel_flow("x", subscribe=[step("xml-json")])]
    gw = gantry([good, bad])
    with client(gw) as c:
        got = events_of(c, "/xml-sub")
        assert [e.data for e in got] == ['{"a":{"b":1,"c":"mock message"}}']
        # A message the policy cannot transform ends the stream with an error event; nothing untransformed leaks.
        got = events_of(c, "/xml-bad")
        assert [e.event for e in got] == ["error"], got
        assert "Unable to transform invalid XML to Json" in got[0].data
    wait_until(lambda: "Unable to transform invalid XML" in gw.log(), 5, message="the policy failure logged")


def test_assign_content_on_published_messages(gantry):
    api = message_api("body-pub", "/body-pub", ["http-post"])
    api["flows"] = [channel_flow("body", publish=[
        step("policy-assign-content", {"body": "{\"wrapped\": \"{#message.content}\"}"})])]
    gw = gantry([api])
    with client(gw) as c:
        assert c.post("/body-pub", content=b"raw").status_code == 202
    # The log is JSON: the message's quotes appear escaped.
    wait_until(lambda: 'received message: {\\"wrapped\\": \\"raw\\"}' in gw.log(), 10, message="the rewritten message")
