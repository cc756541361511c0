"""Gravitee's flow-selection definitions under http/flows and http/bestmatch, plus the mapped-path attribute,
deployed unchanged (only the backend address is ours) and checked the way Gravitee's FlowPhaseExecution,
BestMatch, BestMatchWithCondition, FlowConditionAfterAsyncPolicy and Attributes integration tests check them:
which flows ran is read from the marker headers their transform-headers steps add, on the request the backend
received and on the response the client got."""
import pytest

from helpers.gravitee import definition, with_changes
from helpers.scripted_backend import ScriptedBackend


@pytest.fixture
def scripted():
    server = ScriptedBackend()
    yield server
    server.close()


def markers(headers, prefix):
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith(prefix)}


def call(gw, backend, path, headers=None):
    """GET through the gateway: (response, the request the backend received)."""
    before = len(backend.seen)
    response = gw.get(path, headers=headers or {})
    assert response.status_code == 200, response.text
    assert len(backend.seen) == before + 1
    return response, backend.seen[-1]


def flow_markers(response, received):
    return markers(received.headers, "x-request-flow-"), markers(response.headers, "x-response-flow-")


# -- http/flows/api.json: default mode, every matching flow runs --------------------------------------------------

STARTS_WITH = {
    "/products": ({"x-request-flow-0": "Flow /", "x-request-flow-1": "Flow /products"},
                  {"x-response-flow-0": "Flow /", "x-response-flow-1": "Flow /products"}),
    "/": ({"x-request-flow-0": "Flow /"}, {"x-response-flow-0": "Flow /"}),
    "/products/id": ({"x-request-flow-0": "Flow /", "x-request-flow-1": "Flow /products"},
                     {"x-response-flow-0": "Flow /", "x-response-flow-1": "Flow /products"}),
    "/random": ({"x-request-flow-0": "Flow /"}, {"x-response-flow-0": "Flow /"}),
}


def test_flows_starts_with_runs_every_flow_whose_path_prefixes_the_request(gantry, scripted):
    gw = gantry([definition("http/flows/api.json", backend=scripted.origin)])
    for path, expected in STARTS_WITH.items():
        response, received = call(gw, scripted, "/test" + path)
        assert flow_markers(response, received) == expected, path


EQUALS = {
    "/products": ({"x-request-flow-1": "Flow /products"}, {"x-response-flow-1": "Flow /products"}),
    "/": ({"x-request-flow-0": "Flow /"}, {"x-response-flow-0": "Flow /"}),
    "/products/id": ({}, {}),
    "/random": ({}, {}),
}


def as_equals(api):
    for flow in api["flows"]:
        for selector in flow["selectors"]:
            if selector["type"] == "http":
                selector["pathOperator"] = "EQUALS"


def test_flows_equals_runs_only_flows_whose_path_is_the_request_path(gantry, scripted):
    # Gravitee's test switches every selector of the same file to EQUALS before deploying it; so do we.
    gw = gantry([with_changes(definition("http/flows/api.json", backend=scripted.origin), as_equals)])
    for path, expected in EQUALS.items():
        response, received = call(gw, scripted, "/test" + path)
        assert flow_markers(response, received) == expected, path


MIXED = {
    "/products": ({"x-request-flow-1": "Flow /products"}, {"x-response-flow-1": "Flow /products"}),
    "/": ({"x-request-flow-0": "Flow /"}, {"x-response-flow-0": "Flow /"}),
    "/products/id": ({"x-request-flow-1": "Flow /products"}, {"x-response-flow-1": "Flow /products"}),
    "/random": ({}, {}),
}


def test_flows_equals_and_starts_with_mixed(gantry, scripted):
    gw = gantry([definition("http/flows/api-flows-equals-and-starts-with.json", backend=scripted.origin)])
    for path, expected in MIXED.items():
        response, received = call(gw, scripted, "/test" + path)
        assert flow_markers(response, received) == expected, path


# -- http/flows/api-conditional-flows.json: a condition selector narrows a path match ------------------------------

ROOT = ({"x-request-flow-0": "Flow /"}, {"x-response-flow-0": "Flow /"})
PRODUCTS = ({"x-request-flow-1": "Flow /products"}, {"x-response-flow-1": "Flow /products"})
NONE = ({}, {})
CONDITIONAL = [
    ("/products", "product-condition", PRODUCTS),
    # Gravitee's parameter table leaves the next two rows' headers unchecked; "/" starts every path, so the
    # root flow runs whenever its condition holds, which is what we assert.
    ("/products", "root-condition", ROOT),
    ("/", "root-condition", ROOT),
    ("/", "random-condition", NONE),
    ("/products/id", "product-condition", PRODUCTS),
    ("/products/id", "root-condition", ROOT),
    ("/random", "random-condition", NONE),
    ("/random", "root-condition", ROOT),
]


def test_conditional_flows_run_only_when_their_condition_holds(gantry, scripted):
    gw = gantry([definition("http/flows/api-conditional-flows.json", backend=scripted.origin)])
    for path, condition, expected in CONDITIONAL:
        response, received = call(gw, scripted, "/test" + path, {"X-Condition-Flow-Selection": condition})
        assert flow_markers(response, received) == expected, (path, condition)


def test_flow_condition_is_evaluated_once_even_if_the_flow_removes_what_it_tested(gantry, scripted):
    # The flow's request step removes the very header its condition reads. Its response step must still run: the
    # condition decided the flow's selection once, before the request phase (Gravitee's v4 engine; its v3 engine
    # evaluated it again and failed).
    gw = gantry([definition("http/flows/api-conditional-flows-double-evaluation-case.json", backend=scripted.origin)])
    response, received = call(gw, scripted, "/test-double-evaluation",
                              {"X-Condition-Flow-Selection": "root-condition"})
    assert "x-condition-flow-selection" not in received.headers
    assert received.headers.get("x-request-flow-0") == "Flow /"
    assert response.headers.get("x-response-flow-0") == "Flow /"


# -- http/flows/api-condition-after-async-policy.json: conditions see what earlier flows did ------------------------

@pytest.mark.parametrize("path, next_flow_ran", [
    ("/async", False),          # a latency step, then the marker: the next flow's "marker == null" is false
    ("/async-matching", True),  # same, but the next flow wants "marker == 'done'"
    ("/sync", False),           # the marker without any asynchronous step before it
])
def test_flow_condition_is_evaluated_after_earlier_flows_ran(gantry, scripted, path, next_flow_ran):
    gw = gantry([definition("http/flows/api-condition-after-async-policy.json", backend=scripted.origin)])
    _, received = call(gw, scripted, "/test-condition-after-async" + path)
    assert received.path == "/endpoint" + path
    assert received.headers.get("x-next-flow-executed") == ("true" if next_flow_ran else None)


# -- http/bestmatch/api.json: only the most specific flow runs -----------------------------------------------------

BEST_MATCH_STARTS_WITH = {
    "/books": "/books",
    "/books/145/chapters/12": "/books/:bookId/chapters/:chapterId",
    "/books/9999/chapters": "/books/9999/chapters",
    "/random": None,
    "/books/145": "/books",
}


def test_best_match_starts_with_picks_the_most_specific_flow(gantry, scripted):
    gw = gantry([definition("http/bestmatch/api.json", backend=scripted.origin)])
    for path, flow in BEST_MATCH_STARTS_WITH.items():
        _, received = call(gw, scripted, "/test" + path)
        assert received.path == "/endpoint" + path
        assert received.headers.get("x-api-flow-selected") == flow, path


BEST_MATCH_EQUALS = {
    "/books": "/books",
    "/books/145/chapters/12": "/books/:bookId/chapters/:chapterId",
    "/books/9999/chapters": "/books/9999/chapters",  # a literal segment beats a parameter
    "/books/9999/chapters/random": "/books/:bookId/chapters/:chapterId",  # four segments, as the pattern has
    "/random": None,
    "/books/145": None,
}


def test_best_match_prefers_a_literal_segment_over_a_longer_pattern_with_a_parameter(gantry, scripted):
    gw = gantry([definition("http/bestmatch/api.json", backend=scripted.origin)])
    _, received = call(gw, scripted, "/test/books/9999/chapters/random")
    assert received.headers.get("x-api-flow-selected") == "/books/9999/chapters"


def test_best_match_equals_picks_the_exactly_matching_flow(gantry, scripted):
    gw = gantry([with_changes(definition("http/bestmatch/api.json", backend=scripted.origin), as_equals)])
    for path, flow in BEST_MATCH_EQUALS.items():
        _, received = call(gw, scripted, "/test" + path)
        assert received.headers.get("x-api-flow-selected") == flow, path


# -- http/bestmatch/api-condition.json: a flow whose condition is false is no candidate -----------------------------

@pytest.mark.parametrize("path, tier, flow", [
    ("/books/145", "gold", "/books/:bookId"),  # the most specific flow, its condition true
    ("/books/145", "silver", "/books"),        # its condition false: the broader flow wins
    ("/vip", "silver", None),                  # the only candidate's condition is false: no flow, still proxied
    ("/vip", "gold", "/vip"),
])
def test_best_match_skips_flows_whose_condition_is_false(gantry, scripted, path, tier, flow):
    gw = gantry([definition("http/bestmatch/api-condition.json", backend=scripted.origin)])
    _, received = call(gw, scripted, "/test-bestmatch-condition" + path, {"X-Tier": tier})
    assert received.path == "/endpoint" + path
    assert received.headers.get("x-api-flow-selected") == flow


# -- http/mapped-path-attribute.json: the listener's pathMappings entry a request matched ---------------------------

def test_mapped_path_attribute_holds_the_matching_path_mapping(gantry):
    # The flow answers with a mock step rendering {#context.attributes['mapped-path']}; the endpoint (Gravitee's
    # public echo service) is never called, so the definition is deployed exactly as it is.
    gw = gantry([definition("http/mapped-path-attribute.json")])
    response = gw.get("/mapped/test/mock")
    assert response.status_code == 200
    assert "/test/:testId" in response.text
