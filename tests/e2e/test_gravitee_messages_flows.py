"""Gravitee's own flow-selection definitions for message APIs (messages/flows/, messages/bestmatch/, messages/el/)
deployed on Gantry, checked against what Gravitee's FlowPhaseExecutionIntegrationTest, BestMatchIntegrationTest
and MessageExpressionLanguageTest observe: which flows run (channel selectors STARTS_WITH vs EQUALS, conditions
evaluated once per request, best-match over API and plan flows), seen through the headers their transform-headers
steps add to the http-get response, and message EL in a publish-phase transform-headers."""
import pytest

from helpers import kafka
from helpers.gravitee import definition, with_changes
from helpers.messages import client



def get(gw, path, headers=None):
    h = {"Accept": "application/json"}
    h.update(headers or {})
    with client(gw) as c:
        r = c.get("/test" + path if not path.startswith("/test-") else path, headers=h)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 1 and items[0]["content"] == "Mock data"  # one mock message per page
    return r


def flows_run(response):
    """Numbers of the flows whose response phase ran (X-Response-Flow-N headers)."""
    return {int(k.split("-")[-1]) for k in response.headers if k.lower().startswith("x-response-flow-")}


def all_channel_operators(api, operator):
    def change(a):
        for flow in a.get("flows") or []:
            for s in flow.get("selectors", []):
                if s["type"] == "channel":
                    s["channel-operator"] = operator
        for plan in a.get("plans") or []:
            for flow in plan.get("flows") or []:
                for s in flow.get("selectors", []):
                    if s["type"] == "channel":
                        s["channel-operator"] = operator
    return with_changes(api, change)


# -- every matching flow runs (default mode) ------------------------------------------------------------------------

@pytest.mark.parametrize("path,expected", [("/products", {0, 1}), ("/", {0}), ("/products/id", {0, 1}),
                                                     ("/random", {0})])
def test_starts_with_selectors(gantry, path, expected):
    gw = gantry([definition("messages/flows/api.json")])
    r = get(gw, path)
    assert flows_run(r) == expected
    for n in expected:
        assert r.headers[f"X-Response-Flow-{n}"] == ("Flow /" if n == 0 else "Flow /products")


@pytest.mark.parametrize("path,expected", [("/products", {1}), ("/", {0}), ("/products/id", set()),
                                                     ("/random", set())])
def test_equals_selectors(gantry, path, expected):
    # Gravitee's test turns every channel operator of the same file to EQUALS before deploying it.
    gw = gantry([all_channel_operators(definition("messages/flows/api.json"), "EQUALS")])
    assert flows_run(get(gw, path)) == expected


@pytest.mark.parametrize("path,expected", [("/products", {1}), ("/", {0, 1}), ("/products/id", {1}),
                                                     ("/random", {1})])
def test_equals_and_starts_with_mixed(gantry, path, expected):
    # Flow 0 is "/" EQUALS, flow 1 is "/" STARTS_WITH (despite its name): flow 1 runs everywhere, flow 0 only on
    # the root. Gravitee's test lists the flow it expects and does not look for the others.
    gw = gantry([definition("messages/flows/api-flows-equals-and-starts-with.json")])
    assert flows_run(get(gw, path)) == expected


@pytest.mark.parametrize("path,condition,expected", [
    ("/products", "product-condition", {1}), ("/products", "root-condition", {0}), ("/", "root-condition", {0}),
    ("/", "random-condition", set()), ("/products/id", "product-condition", {1}),
    ("/products/id", "root-condition", {0}), ("/random", "random-condition", set()),
    ("/random", "root-condition", {0}),
])
def test_conditional_flows(gantry, path, condition, expected):
    # Both flows select the channel "/" STARTS_WITH; the condition on X-Condition-Flow-Selection picks. (Gravitee's
    # parameter list says "no flow" for /products and /random with root-condition but only asserts the flows it
    # expects; by the definition flow 0's selector and condition both hold there, and that is what Gantry runs.)
    gw = gantry([definition("messages/flows/api-conditional-flows.json")])
    assert flows_run(get(gw, path, {"X-Condition-Flow-Selection": condition})) == expected


def test_condition_is_evaluated_once_per_request(gantry):
    # The flow's request phase removes the very header its condition reads; its response phase still runs.
    gw = gantry([definition("messages/flows/api-conditional-flows-double-evaluation-case.json")])
    r = get(gw, "/test-double-evaluation", {"X-Condition-Flow-Selection": "root-condition"})
    assert r.headers["X-Response-Flow-0"] == "Flow /"


# -- best match ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path,plan_flow,api_flow", [
    ("/books", "/books", "/books"),
    ("/books/145/chapters/12", "/books/:bookId", "/books/:bookId/chapters/:chapterId"),
    ("/books/9999/chapters", "/books/:bookId", "/books/9999/chapters"),
    ("/books/9999/chapters/random", "/books/:bookId", "/books/9999/chapters"),
    ("/random", "/", None),
    # Gravitee's table says null here, which its test reads as "not checked"; "/books" STARTS_WITH is the one
    # API flow that matches, and Gantry selects it.
    ("/books/145", "/books/:bookId", "/books"),
])
def test_best_match_starts_with(gantry, path, plan_flow, api_flow):
    gw = gantry([definition("messages/bestmatch/api.json")])
    r = get(gw, path)
    assert r.headers.get("X-Plan-Flow-Selected") == plan_flow
    assert r.headers.get("X-Api-Flow-Selected") == api_flow


@pytest.mark.parametrize("path,plan_flow,api_flow", [
    ("/books", "/books", "/books"),
    ("/books/145/chapters/12", None, "/books/:bookId/chapters/:chapterId"),
    ("/books/9999/chapters", None, "/books/9999/chapters"),
    ("/books/9999/chapters/random", None, "/books/:bookId/chapters/:chapterId"),
    ("/random", None, None),
    ("/", "/", None),
    ("/books/145", "/books/:bookId", None),
])
def test_best_match_equals(gantry, path, plan_flow, api_flow):
    # Gravitee's test turns every channel operator (API and plan flows) to EQUALS before deploying.
    # ("/books/9999/chapters/random" matches "/books/:bookId/chapters/:chapterId" exactly, four segments.)
    gw = gantry([all_channel_operators(definition("messages/bestmatch/api.json"), "EQUALS")])
    r = get(gw, path)
    assert r.headers.get("X-Plan-Flow-Selected") == plan_flow
    assert r.headers.get("X-Api-Flow-Selected") == api_flow


# -- message expression language --------------------------------------------------------------------------------------

def test_publish_phase_transform_headers_with_message_el(gantry):
    # Gravitee's test swaps the mock endpoint for a storing mock of its harness (Gravitee-only) to look at the
    # published message. Here the same API publishes to a Kafka topic instead, where the headers can be read.
    topic = kafka.new_topic("el")

    def to_kafka(a):
        a["endpointGroups"] = [{"name": "default-group", "type": "kafka", "endpoints": [
            {"name": "default", "type": "kafka", "weight": 1, "inheritConfiguration": False,
             "configuration": {"bootstrapServers": kafka.bootstrap()},
             "sharedConfigurationOverride": {"producer": {"enabled": True, "topics": [topic]}}}]}]
    gw = gantry([with_changes(definition("messages/el/message-expression-language.json"), to_kafka)])
    with client(gw) as c:
        r = c.post("/test", content=b"content", headers={"x-header-test": "header value"})
    assert r.status_code == 202
    [record] = kafka.consume(topic, 1)
    headers = {k.lower(): v for k, v in record.headers() or []}
    assert headers.get("x-header-test-renamed") == b"header value"
    assert headers.get("x-header-test-added") == b"content"
    assert "x-header-test" not in headers
