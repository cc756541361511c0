"""Gantry's management API against Gravitee's own OpenAPI (openapi/openapi-apis.yaml), issue 9.

One real `gantry serve` is driven through every operation CONTRACT.md lists that Gravitee's file describes, with
request bodies written in Gravitee's v2 shape (CreateApiV4, CreatePlanV4, CreateSubscription, ...; the test
checks its own bodies against those schemas first). Every response is compared with the operation's documented
status and response schema (tests/conformance/openapi_schema.py): each field we send must be in the schema, each
enum value among the schema's, each required field present, each JSON type the schema's; a field sent in a
request body that the response schema also has must come back. Every difference must be in GAPS below, and
every entry of GAPS must still be a difference: fixing one makes this test fail until the entry goes (and its
line in docs/gravitee-compatibility.md, which test_the_compatibility_doc_lists_every_gap checks).

Applications (`/applications`) are not in openapi-apis.yaml (Gravitee describes them in another file that the
corpus does not hold), so they are driven only as far as subscriptions need them, and not compared.
"""
import json
import os
import sys
from pathlib import Path

import pytest

import gravitee_corpus
from openapi_schema import Spec

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GANTRY_SHARED_DIR", REPO.parent / "shared"))
OPENAPI = SHARED / "conformance/gravitee/openapi/openapi-apis.yaml"
ENV = "/environments/{envId}"

sys.path.insert(0, str(REPO / "tests/e2e"))
from helpers.gateway import Gateway  # noqa: E402

# (operation, kind, path) -> why. Kinds: see openapi_schema.py, plus "status" (ours:Gravitee's success status),
# "body" (we answer with a body where Gravitee documents none) and "dropped" (a request field the response
# schema has, not given back).
BESTMATCH = "messages/bestmatch/api.json"
GAPS = {
    # Gantry answers a deployment with the deployment it made (id, number, label, time), which scripts use to
    # roll back to it later; Gravitee answers 202 with no body. Clients that ignore the body see no difference.
    ("POST /apis/{apiId}/deployments", "body", "$"):
        "Gantry returns the deployment it made; Gravitee returns no body",
    # A gateway definition may embed its plans (Gravitee's test definitions do); Gantry's gateway runs them, so
    # the API shows them and PUT takes them back. Gravitee's v2 API shows plans only under /plans.
    (f"POST /apis ({BESTMATCH})", "unknown", "$.plans"): "embedded plans are part of the definition",
    (f"GET /apis/{{apiId}} ({BESTMATCH})", "unknown", "$.plans"): "embedded plans are part of the definition",
    # A flow-level "condition" is a v2 flow field that Gravitee's own v4 test definitions still carry. Both
    # gateways ignore it (Gantry warns when it holds something); Gantry keeps the definition as written, Gravitee's
    # v4 model has no such field and drops it.
    (f"POST /apis ({BESTMATCH})", "unknown", "$.flows[*].condition"): "kept as sent",
    (f"GET /apis/{{apiId}} ({BESTMATCH})", "unknown", "$.flows[*].condition"): "kept as sent",
    # The export gives the definition back byte for byte (CONTRACT: the round trip is lossless), so a definition
    # written in the gateway's spellings ("http", "best-match", "gravitee": "4.0.0") is exported in them.
    # Gravitee exports its v2 shape. An API created in the v2 shape exports without any difference.
    (f"GET /apis/{{apiId}}/_export/definition ({BESTMATCH})", "as-sent", "$.api"): "the export is lossless",
}

# The operations of CONTRACT.md's management table that Gravitee's OpenAPI describes, as its paths say them.
OPERATIONS = [
    "POST /apis", "GET /apis", "GET /apis/{apiId}", "PUT /apis/{apiId}", "DELETE /apis/{apiId}",
    "POST /apis/_import/definition", "GET /apis/{apiId}/_export/definition",
    "POST /apis/{apiId}/deployments", "GET /apis/{apiId}/deployments/current",
    "POST /apis/{apiId}/_start", "POST /apis/{apiId}/_stop",
    "GET /apis/{apiId}/plans", "POST /apis/{apiId}/plans", "GET /apis/{apiId}/plans/{planId}",
    "PUT /apis/{apiId}/plans/{planId}", "DELETE /apis/{apiId}/plans/{planId}",
    "POST /apis/{apiId}/plans/{planId}/_publish", "POST /apis/{apiId}/plans/{planId}/_deprecate",
    "POST /apis/{apiId}/plans/{planId}/_close",
    "GET /apis/{apiId}/subscriptions", "POST /apis/{apiId}/subscriptions",
    "GET /apis/{apiId}/subscriptions/{subscriptionId}",
    "POST /apis/{apiId}/subscriptions/{subscriptionId}/_accept",
    "POST /apis/{apiId}/subscriptions/{subscriptionId}/_reject",
    "POST /apis/{apiId}/subscriptions/{subscriptionId}/_pause",
    "POST /apis/{apiId}/subscriptions/{subscriptionId}/_resume",
    "POST /apis/{apiId}/subscriptions/{subscriptionId}/_close",
    "GET /apis/{apiId}/subscriptions/{subscriptionId}/api-keys",
    "POST /apis/{apiId}/subscriptions/{subscriptionId}/api-keys/_renew",
    "POST /apis/{apiId}/subscriptions/{subscriptionId}/api-keys/{apiKeyId}/_revoke",
]

# Gateway definitions from Gravitee's corpus created through POST /apis: lower-case spellings ("http",
# "best-match", "channel-operator", "at-least-once"), the v4 beta's "gravitee" version key, embedded plans.
GATEWAY_DEFINITIONS = [BESTMATCH, "http/api-latency.json", "http/tenants/api-v4-with-tenants.json",
                       "messages/http-get/http-get-entrypoint-kafka-endpoint-at-least-once.json"]

# CONTRACT.md operations Gravitee's file does not have (so nothing to compare them with): the deployment history
# (Gravitee has only .../deployments/current) and every /applications operation.
NOT_IN_GRAVITEE = [("get", "/apis/{apiId}/deployments"), (None, "/applications")]


# -- Gravitee-shaped request bodies (field names from CreateApiV4, CreatePlanV4, CreateSubscription, ...) ------

def create_api_v4(path):
    return {
        "name": "Conformance", "apiVersion": "1.0", "definitionVersion": "V4", "type": "PROXY",
        "description": "Checked against Gravitee's OpenAPI", "visibility": "PRIVATE", "tags": ["internal"],
        "listeners": [{"type": "HTTP", "paths": [{"path": path, "overrideAccess": False}],
                       "entrypoints": [{"type": "http-proxy", "configuration": {}}]}],
        "endpointGroups": [{
            "name": "default", "type": "http-proxy", "loadBalancer": {"type": "ROUND_ROBIN"},
            "sharedConfiguration": {"http": {"connectTimeout": 3000, "readTimeout": 10000}},
            "endpoints": [{"name": "backend", "type": "http-proxy", "weight": 1, "inheritConfiguration": True,
                           "secondary": False, "configuration": {"target": "http://127.0.0.1:9/"}}],
        }],
        "flowExecution": {"mode": "DEFAULT", "matchRequired": False},
        "flows": [{"name": "all", "enabled": True,
                   "selectors": [{"type": "HTTP", "path": "/", "pathOperator": "STARTS_WITH", "methods": ["GET"]}],
                   "request": [], "response": []}],
        "analytics": {"enabled": False},
    }


def create_plan_v4(name, security, validation):
    return {
        "definitionVersion": "V4", "name": name, "description": f"{name} plan", "mode": "STANDARD",
        "security": {"type": security, "configuration": {}}, "validation": validation,
        "characteristics": ["conformance"], "commentRequired": False, "commentMessage": "Why?",
        "generalConditions": "", "excludedGroups": [], "tags": [], "order": 1, "flows": [],
        "crossId": f"cross-{name}",
    }


class Run:
    """Drives the management API and records every difference with Gravitee's OpenAPI as (operation, kind, path)."""

    def __init__(self, spec, client):
        self.spec = spec
        self.m = client
        self.problems = set()
        self.request_problems = set()
        self.seen = set()

    def __call__(self, method, template, params=None, body=None, echo=False, variant=None, as_sent=None):
        """`variant` names a request body that is not in the v2 shape on purpose (a gateway definition): its
        differences are recorded under "<operation> (<variant>)" and the body is not checked. `as_sent` is a
        part of the response that is the definition exactly as sent: its differences count as one, ("as-sent",
        that path)."""
        operation = f"{method} {template}"
        assert operation in OPERATIONS, operation
        self.seen.add(operation)
        gravitee_path = ENV + template
        if variant:
            operation = f"{operation} ({variant})"
        elif body is not None:
            schema = self.spec.request_schema(method, gravitee_path)
            self.request_problems |= {(operation, kind, path) for kind, path in self.spec.problems(schema, body)}
        response = self.m.request(method, template.format(**(params or {})), json=body)
        expected = self.spec.statuses(method, gravitee_path)[0]  # the success status: 2xx sorts first
        assert response.status_code < 300, f"{operation}: {response.status_code} {response.text}"
        if str(response.status_code) != expected:
            self.problems.add((operation, "status", f"{response.status_code}:{expected}"))
        if not response.content:
            return None
        value = response.json()
        schema = self.spec.response_schema(method, gravitee_path, expected)
        if schema is None:
            self.problems.add((operation, "body", "$"))
            return value
        found = self.spec.problems(schema, value)
        if as_sent:
            inside = {(kind, path) for kind, path in found if path.startswith(as_sent)}
            found = (found - inside) | ({("as-sent", as_sent)} if inside else set())
        self.problems |= {(operation, kind, path) for kind, path in found}
        if echo:
            known = self.spec._flat(schema, value)["properties"]
            self.problems |= {(operation, "dropped", f"$.{name}") for name in body
                              if name in known and name not in value}
        return value


@pytest.fixture(scope="module")
def spec():
    if not OPENAPI.is_file():
        pytest.fail(f"Gravitee's OpenAPI is not at {OPENAPI} (../shared beside the repository)")
    return Spec(OPENAPI)


@pytest.fixture(scope="module")
def run(spec, tmp_path_factory):
    binary = os.path.abspath(os.environ.get("GANTRY_BIN") or REPO / "build/gantry")
    slow = 5 if os.environ.get("GANTRY_SANITIZED") == "1" else 1
    gw = Gateway(binary, str(tmp_path_factory.mktemp("management-openapi")), [], None, slow).start()
    try:
        with gw.management() as m:
            recorder = Run(spec, m)
            drive(recorder, m)
        yield recorder
        gw.stop(expect_code=0)
    finally:
        gw.kill()


def drive(call, m):
    """Every listed operation once at least, in an order a user would take."""
    api = call("POST", "/apis", body=create_api_v4("/conformance"), echo=True)
    a = {"apiId": api["id"]}
    call("GET", "/apis")
    shown = call("GET", "/apis/{apiId}", a)
    update = {k: v for k, v in shown.items() if k in {
        "name", "apiVersion", "definitionVersion", "type", "description", "visibility", "tags", "listeners",
        "endpointGroups", "flowExecution", "flows", "analytics", "labels", "categories", "properties",
        "resources", "lifecycleState"}}
    call("PUT", "/apis/{apiId}", a, body={**update, "description": "Updated", "labels": ["checked"]}, echo=True)

    keyless = call("POST", "/apis/{apiId}/plans", a, body=create_plan_v4("Free", "KEY_LESS", "AUTO"), echo=True)
    keyed = call("POST", "/apis/{apiId}/plans", a, body=create_plan_v4("Keys", "API_KEY", "MANUAL"), echo=True)
    free, keys = {**a, "planId": keyless["id"]}, {**a, "planId": keyed["id"]}
    call("GET", "/apis/{apiId}/plans", a)
    call("GET", "/apis/{apiId}/plans/{planId}", keys)
    change = {k: v for k, v in create_plan_v4("Keys", "API_KEY", "MANUAL").items() if k != "mode"}
    change["security"] = {"configuration": {}}  # UpdatePlanSecurity: the type cannot change
    call("PUT", "/apis/{apiId}/plans/{planId}", keys, body={**change, "description": "Renamed"}, echo=True)
    for plan in (free, keys):
        call("POST", "/apis/{apiId}/plans/{planId}/_publish", plan)

    call("POST", "/apis/{apiId}/deployments", a, body={"deploymentLabel": "conformance"})
    call("GET", "/apis/{apiId}/deployments/current", a)
    call("POST", "/apis/{apiId}/_start", a)

    apps = [m.post("/applications", json={"name": name}).json()["id"] for name in ("one", "two")]
    subscribe = {"planId": keyed["id"], "metadata": {"team": "conformance"}, "customApiKey": "conformance-key-1"}
    sub = call("POST", "/apis/{apiId}/subscriptions", a, body={**subscribe, "applicationId": apps[0]}, echo=True)
    s = {**a, "subscriptionId": sub["id"]}
    call("POST", "/apis/{apiId}/subscriptions/{subscriptionId}/_accept", s,
         body={"reason": "welcome", "startingAt": "2024-01-01T00:00:00Z", "endingAt": "2099-01-01T00:00:00Z"})
    call("GET", "/apis/{apiId}/subscriptions", a)
    call("GET", "/apis/{apiId}/subscriptions/{subscriptionId}", s)
    call("GET", "/apis/{apiId}/subscriptions/{subscriptionId}/api-keys", s)
    fresh = call("POST", "/apis/{apiId}/subscriptions/{subscriptionId}/api-keys/_renew", s,
                 body={"customApiKey": "conformance-key-2"})
    call("POST", "/apis/{apiId}/subscriptions/{subscriptionId}/api-keys/{apiKeyId}/_revoke",
         {**s, "apiKeyId": fresh["id"]})
    call("POST", "/apis/{apiId}/subscriptions/{subscriptionId}/_pause", s)
    call("POST", "/apis/{apiId}/subscriptions/{subscriptionId}/_resume", s)
    other = call("POST", "/apis/{apiId}/subscriptions", a, body={"planId": keyed["id"], "applicationId": apps[1]})
    call("POST", "/apis/{apiId}/subscriptions/{subscriptionId}/_reject", {**a, "subscriptionId": other["id"]},
         body={"reason": "not now"})
    call("POST", "/apis/{apiId}/subscriptions/{subscriptionId}/_close", s)

    call("POST", "/apis/{apiId}/plans/{planId}/_deprecate", keys)
    call("POST", "/apis/{apiId}/plans/{planId}/_close", keys)
    call("DELETE", "/apis/{apiId}/plans/{planId}", keys)

    exported = call("GET", "/apis/{apiId}/_export/definition", a)
    call("POST", "/apis/{apiId}/_stop", a)
    call("DELETE", "/apis/{apiId}", a)
    # What Gravitee's export holds: the API as its v2 API shows it, and the plans.
    imported = call("POST", "/apis/_import/definition",
                    body={"api": {**shown, "id": api["id"]}, "plans": exported["plans"]})
    call("DELETE", "/apis/{apiId}", {"apiId": imported["id"]})

    # Definitions written for the gateway (Gravitee's own test definitions), as users bring them.
    for name in GATEWAY_DEFINITIONS:
        text = gravitee_corpus._fill_placeholders((gravitee_corpus.CORPUS / name).read_text(encoding="utf-8"))
        created = call("POST", "/apis", body=json.loads(text), variant=name)
        g = {"apiId": created["id"]}
        call("GET", "/apis/{apiId}", g, variant=name)
        if name == GATEWAY_DEFINITIONS[0]:
            call("GET", "/apis/{apiId}/_export/definition", g, variant=name, as_sent="$.api")
        call("DELETE", "/apis/{apiId}", g, variant=name)


def test_the_comparison_finds_planted_differences(spec):
    """The comparer itself: each kind of difference, nested in arrays, through allOf and a discriminator."""
    plan = {"definitionVersion": "V4", "id": "p", "status": "OPEN", "order": "1", "surprise": True,
            "security": {"configuration": {}},
            "flows": [{"selectors": [{"type": "HTTP", "path": "/", "pathOperator": "STARTS_WITH"},
                                     {"type": "HTTP", "path": "/", "extra": 1}]}]}
    assert spec.problems({"$ref": "#/components/schemas/Plan"}, plan) == {
        ("enum", "$.status=OPEN"), ("type", "$.order:string"), ("unknown", "$.surprise"),
        ("required", "$.security.type"), ("unknown", "$.flows[*].selectors[*].extra"),
        ("required", "$.flows[*].selectors[*].pathOperator")}
    good = {k: v for k, v in plan.items() if k not in {"status", "order", "surprise", "security", "flows"}}
    assert spec.problems({"$ref": "#/components/schemas/Plan"}, good) == set()


def test_every_listed_operation_is_in_gravitees_openapi_and_was_driven(spec, run):
    for operation in OPERATIONS:
        method, path = operation.split(" ", 1)
        assert method.lower() in spec.doc["paths"][ENV + path], operation
    assert run.seen == set(OPERATIONS)
    for method, path in NOT_IN_GRAVITEE:
        if method:
            assert method not in spec.doc["paths"].get(ENV + path, {}), f"{method} {path} is in Gravitee's file now"
        else:
            assert not [p for p in spec.doc["paths"] if path in p], f"{path} is in Gravitee's file now"


def test_the_request_bodies_sent_are_gravitee_shaped(run):
    assert run.request_problems == set()


def test_responses_differ_from_gravitees_schemas_only_by_the_listed_gaps(run):
    unexpected = sorted(run.problems - set(GAPS))
    fixed = sorted(set(GAPS) - run.problems)
    assert unexpected == [], "differences not in GAPS (fix them, or list them with the reason):\n" + "\n".join(
        map(repr, unexpected))
    assert fixed == [], "listed in GAPS but no longer a difference: remove them (and from the doc):\n" + "\n".join(
        map(repr, fixed))


def test_the_compatibility_doc_lists_every_gap():
    doc = (REPO / "docs/gravitee-compatibility.md").read_text(encoding="utf-8")
    section = doc.split("## Management API", 1)[1].split("\n## ", 1)[0]
    for operation, kind, path in GAPS:
        assert f"| `{operation}` | {kind} | `{path}` |" in section, (operation, kind, path)
    assert section.count("\n| `") == len(GAPS), "the doc lists a gap that GAPS does not"
