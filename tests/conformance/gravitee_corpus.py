"""Gravitee's own v4 definitions (../shared/conformance/gravitee/definitions-v4) run through `gantry check`.

Each definition is checked as Gravitee's test harness would deploy it (its port placeholders filled in), and every
error is classified: a type Gantry does not have, a malformed file, or one of the stricter checks Gantry makes on
purpose (docs/gravitee-compatibility.md). Anything else is an unexpected refusal: a conformance bug.
"""
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("GANTRY_SHARED_DIR", REPO.parent / "shared")) / "conformance/gravitee/definitions-v4"

# Gravitee's harness replaces these with the ports of the containers it started; any valid port will do for a check.
# Only inside JSON strings: the two files with a bare `${..._PORT}` are not JSON as they stand, and stay refused.
PLACEHOLDERS = [(re.compile(r"\$\{[A-Z_]+_PORT\}"), "8080"), (re.compile(r"mqtt5-port"), "1883")]
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _fill_placeholders(text):
    def fill(match):
        literal = match.group(0)
        for pattern, value in PLACEHOLDERS:
            literal = pattern.sub(value, literal)
        return literal
    return JSON_STRING.sub(fill, text)


# (pattern on the error message, reason shown in the table). Order matters: first match wins.
MISSING = [
    (re.compile(r"unknown (entrypoint|endpoint|service) type '([^']+)'"), "no {0} type `{1}`"),
    (re.compile(r"unknown policy '([^']+)'"), "no policy `{0}`"),
    (re.compile(r"listener type '([^']+)'"), "no `{0}` listener"),
    (re.compile(r"API type '([^']+)' is not supported"), "no `{0}` APIs"),
    (re.compile(r"malformed JSON at (line \d+, column \d+)"), "malformed JSON ({0})"),
    (re.compile(r"gRPC backends need HTTP/2"), "no gRPC (HTTP/2) backends"),
    (re.compile(r"secret references \(\{#secrets.get\(\.\.\.\)\}\) need a secret provider"), "no secret providers"),
]

# Stricter checks Gantry makes on purpose, each explained in docs/gravitee-compatibility.md ("Differences").
STRICTER = [
    (re.compile(r"qos '[^']+' is not supported by entrypoint"), "QoS outside seed 001's matrix"),
    (re.compile(r"duplicate endpoint name"), "duplicate endpoint name"),
    (re.compile(r"serverPort: must be between 1 and 65535 \(got -1\)"), "MQTT port -1"),
]


@dataclass
class Result:
    name: str                                       # path relative to the corpus
    errors: list = field(default_factory=list)      # "json-path: message"
    missing: list = field(default_factory=list)     # reasons: a type Gantry lacks, malformed JSON
    stricter: list = field(default_factory=list)    # reasons: a deliberate stricter check
    unexpected: list = field(default_factory=list)  # errors no reason explains

    @property
    def loads(self):
        return not self.errors


def definitions():
    return sorted(p for p in CORPUS.rglob("*.json") if p.is_file())


def _classify(result, message):
    for pattern, reason in MISSING:
        m = pattern.search(message)
        if m:
            result.missing.append(reason.format(*m.groups()))
            return
    for pattern, reason in STRICTER:
        if pattern.search(message):
            result.stricter.append(reason)
            return
    result.unexpected.append(message)


def check_all(gantry_bin):
    """Runs one `gantry check` over the whole corpus and returns a Result per definition."""
    files = definitions()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for src in files:
            name = str(src.relative_to(CORPUS))
            text = src.read_text(encoding="utf-8", errors="replace")
            text = _fill_placeholders(text)
            dst = Path(tmp) / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(text, encoding="utf-8")
            copies.append(str(dst))
            results[str(dst)] = Result(name)
        proc = subprocess.run([gantry_bin, "check", *copies], capture_output=True, text=True, timeout=120)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"gantry check exited {proc.returncode}: {proc.stderr[-2000:]}")
        for line in (proc.stdout + proc.stderr).splitlines():
            file, sep, rest = line.partition(": ")
            if not sep or file not in results or rest == "ok" or rest.startswith("invalid ("):
                continue
            if ": warning: " in rest or rest.startswith("warning: "):
                continue
            results[file].errors.append(rest)
            _classify(results[file], rest)
    return [results[c] for c in copies]


def behaviour_tests(name):
    """The end-to-end tests that deploy this definition (they name its path under definitions-v4)."""
    tests = []
    for test in sorted((REPO / "tests/e2e").glob("test_*.py")):
        if name in test.read_text(encoding="utf-8"):
            tests.append(test.name)
    return tests
