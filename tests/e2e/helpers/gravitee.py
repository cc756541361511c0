"""Gravitee's own v4 test definitions (../shared/conformance/gravitee/definitions-v4), deployed unchanged except for
the addresses of the services their test harness starts, which are rewritten to ours.

A behaviour test names the definition's path relative to the corpus in its source (e.g.
`definition("http/api.json", backend=...)`): tests/conformance/write_table.py finds the tests that cover a
definition by that path.
"""
import copy
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("GANTRY_SHARED_DIR", REPO.parent / "shared")) / "conformance/gravitee/definitions-v4"

_PORT_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)_PORT\}")


def corpus_path(name):
    path = CORPUS / name
    if not path.is_file():
        pytest.fail(f"Gravitee definition {name} not found under {CORPUS} (is ../shared beside the repo?)")
    return path


def raw(name):
    """The definition as Gravitee's test deploys it, placeholders untouched, parsed."""
    return json.loads(corpus_path(name).read_text(encoding="utf-8"))


def _rewrite_target(target, backend_base):
    # Gravitee's tests point every http endpoint at wiremock on localhost; keep the path and query, swap the origin.
    parts = urlsplit(target)
    base = urlsplit(backend_base)
    if parts.hostname not in ("localhost", "127.0.0.1"):
        return target  # deliberately unreachable hosts (DNS failure tests) stay as they are
    return urlunsplit((base.scheme if parts.scheme in ("http", "https") else parts.scheme, base.netloc,
                       parts.path, parts.query, parts.fragment))


def _walk_endpoints(api):
    for group in api.get("endpointGroups", []):
        yield group, group.get("sharedConfiguration")
        for ep in group.get("endpoints", []):
            yield ep, ep.get("configuration")


def definition(name, backend=None, kafka=None, mqtt=None, api_id=None, ports=None):
    """The definition `name` ready to deploy on our test services.

    backend: base URL ("http://127.0.0.1:PORT") that replaces localhost targets of http endpoints (wiremock's).
    kafka:   bootstrap servers that replace every `bootstrapServers`.
    mqtt:    (host, port) that replaces mqtt5 `serverHost`/`serverPort` placeholders (`mqtt5-host`, `mqtt5-port`,
             `localhost`).
    ports:   {"WIREMOCK": 1234, ...} for `${X_PORT}` placeholders elsewhere in the file.
    api_id:  a fresh id, when one test deploys the same file twice.
    """
    text = corpus_path(name).read_text(encoding="utf-8")
    placeholders = dict(ports or {})
    if backend is not None:
        placeholders.setdefault("WIREMOCK", urlsplit(backend).port)
    text = _PORT_PLACEHOLDER.sub(lambda m: str(placeholders.get(m.group(1), m.group(0))), text)
    api = json.loads(text)
    for owner, config in _walk_endpoints(api):
        if not isinstance(config, dict):
            continue
        target = config.get("target")
        if backend is not None and isinstance(target, str):
            config["target"] = _rewrite_target(target, backend)
        if kafka is not None and "bootstrapServers" in config:
            config["bootstrapServers"] = kafka
        if mqtt is not None and config.get("serverHost") in ("mqtt5-host", "localhost"):
            # "wrong" and other deliberately bad hosts stay: the failure tests rely on them.
            config["serverHost"], config["serverPort"] = mqtt[0], int(mqtt[1])
    if api_id is not None:
        api["id"] = api_id
    return api


def with_changes(api, change):
    """A deep copy of `api` with `change(copy)` applied: for a test that needs one field different."""
    changed = copy.deepcopy(api)
    change(changed)
    return changed
