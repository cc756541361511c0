"""Every Gravitee v4 test definition either loads or is refused for a reason Gantry owns up to (issue 9)."""
import collections
import os
from pathlib import Path

import pytest

import gravitee_corpus as corpus

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def results():
    gantry = os.environ.get("GANTRY_BIN") or str(REPO / "build/gantry")
    if not corpus.CORPUS.is_dir():
        pytest.fail(f"Gravitee's definitions are not at {corpus.CORPUS} (../shared beside the repository)")
    return corpus.check_all(gantry)


def test_the_whole_corpus_is_checked(results):
    assert len(results) == len(corpus.definitions()) >= 190


def test_no_definition_is_refused_for_an_unexplained_reason(results):
    loads = sum(r.loads for r in results)
    reasons = collections.Counter(reason for r in results for reason in set(r.missing + r.stricter))
    print(f"\n{len(results)} definitions: {loads} load, {len(results) - loads} refused")
    for reason, count in reasons.most_common():
        print(f"  {count:3} x {reason}")
    unexpected = [f"{r.name}: {e}" for r in results for e in r.unexpected]
    assert unexpected == []


def test_the_two_malformed_files_are_refused_with_line_and_column(results):
    by_name = {r.name: r for r in results}
    assert by_name["tcp/api-multi-domain.json"].missing == ["malformed JSON (line 34, column 23)"]
    assert by_name["http/secrets/resources/api-with-redis.json"].missing == ["malformed JSON (line 57, column 19)"]


def test_a_refusal_for_a_missing_type_names_its_json_path(results):
    by_name = {r.name: r for r in results}
    errors = by_name["http/failover/rabbitmq-two-endpoints.json"].errors
    assert errors == ["$.endpointGroups[0].type: unknown endpoint type 'rabbitmq' (known: "
                      + errors[0].split("(known: ")[1]]
    assert "kafka" in errors[0] and "mqtt5" in errors[0]


def test_the_compatibility_table_is_current(results):
    """docs/gravitee-compatibility.md's table is generated from this run (tests/conformance/write_table.py)."""
    import write_table
    doc = (REPO / "docs/gravitee-compatibility.md").read_text(encoding="utf-8")
    assert write_table.table(results) in doc, "run: python3 tests/conformance/write_table.py build/gantry"
