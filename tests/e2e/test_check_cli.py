"""`gantry check FILE...` and `gantry version`, as CONTRACT.md fixes them."""
import json
import re
import subprocess

import pytest

from helpers.definitions import proxy_api


def run(gantry_bin, cwd, *args):
    return subprocess.run([gantry_bin, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def write(directory, name, content):
    path = directory / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return name


@pytest.fixture
def good():
    return proxy_api("good", "/good", ["http://127.0.0.1:9/base"])


def test_valid_definition_exits_0(gantry_bin, tmp_path, good):
    name = write(tmp_path, "good.json", good)
    r = run(gantry_bin, tmp_path, "check", name)
    assert r.returncode == 0, r.stderr


def test_unknown_entrypoint_type_exits_1_with_path_and_known_types(gantry_bin, tmp_path, good):
    good["listeners"][0]["entrypoints"][0]["type"] = "sse2"
    name = write(tmp_path, "bad.json", good)
    r = run(gantry_bin, tmp_path, "check", name)
    assert r.returncode == 1
    prefix = "bad.json: $.listeners[0].entrypoints[0].type: unknown entrypoint type 'sse2'"
    lines = [line for line in r.stderr.splitlines() if line.startswith(prefix)]
    assert lines, f"no line starting with {prefix!r} in:\n{r.stderr}"
    assert "http-proxy" in lines[0], "the message lists the known entrypoint types"


def test_every_problem_is_reported(gantry_bin, tmp_path, good):
    good["listeners"][0]["entrypoints"][0]["type"] = "sse2"
    good["endpointGroups"][0]["endpoints"][0]["type"] = "kafka-but-wrong"
    name = write(tmp_path, "two-problems.json", good)
    r = run(gantry_bin, tmp_path, "check", name)
    assert r.returncode == 1
    assert "two-problems.json: $.listeners[0].entrypoints[0].type: " in r.stderr
    assert "two-problems.json: $.endpointGroups[0].endpoints[0].type: " in r.stderr


def test_unknown_fields_are_not_errors(gantry_bin, tmp_path, good):
    good["someFieldFromANewerGravitee"] = {"x": 1}
    name = write(tmp_path, "newer.json", good)
    r = run(gantry_bin, tmp_path, "check", name)
    assert r.returncode == 0, r.stderr


def test_malformed_json_reports_line_and_column(gantry_bin, tmp_path):
    name = write(tmp_path, "broken.json", '{\n  "id": "x",\n  "name": ,\n  "type": "proxy"\n}\n')
    r = run(gantry_bin, tmp_path, "check", name)
    assert r.returncode == 1
    assert re.search(r"line 3, column \d+", r.stderr), r.stderr
    assert "broken.json" in r.stderr


def test_missing_file_exits_2(gantry_bin, tmp_path):
    r = run(gantry_bin, tmp_path, "check", "does-not-exist.json")
    assert r.returncode == 2
    assert "does-not-exist.json" in r.stderr


def test_several_files_one_bad_exits_1_and_names_the_bad_one(gantry_bin, tmp_path, good):
    ok = write(tmp_path, "ok.json", good)
    bad_def = json.loads(json.dumps(good))
    bad_def["listeners"][0]["entrypoints"][0]["type"] = "sse2"
    bad = write(tmp_path, "bad.json", bad_def)
    r = run(gantry_bin, tmp_path, "check", ok, bad)
    assert r.returncode == 1
    assert "bad.json: " in r.stderr
    assert "ok.json: " not in r.stderr


def test_version_prints_a_version(gantry_bin, tmp_path):
    r = run(gantry_bin, tmp_path, "version")
    assert r.returncode == 0
    assert re.search(r"\d+\.\d+", r.stdout), r.stdout
