"""Fixtures of the end-to-end suite: the real gantry binary, real backend processes, real certificates."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from helpers.backends import BackendProcess  # noqa: E402
from helpers.certs import Cert  # noqa: E402
from helpers.gateway import Gateway  # noqa: E402

SANITIZED = os.environ.get("GANTRY_SANITIZED") == "1"
# ASan/UBSan builds run several times slower: only the hang guards stretch, never an assertion.
SLOW = 5 if SANITIZED else 1


@pytest.fixture(scope="session")
def gantry_bin():
    path = os.environ.get("GANTRY_BIN") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "gantry")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        pytest.fail(f"gantry binary not found at {path} (set GANTRY_BIN)")
    return path


@pytest.fixture
def gantry(gantry_bin, tmp_path):
    """Factory: gantry(apis=[...], config={"gateway.limits.max_body_bytes": 1024}) -> a started Gateway.

    At teardown every gateway still running gets SIGTERM and must exit 0 (a crash or sanitizer report at exit
    fails the test); one that hangs is killed."""
    started = []

    def start(apis=(), config=None, start=True):
        work = tmp_path / f"gw{len(started)}"
        work.mkdir()
        gw = Gateway(gantry_bin, str(work), list(apis), config, SLOW)
        started.append(gw)
        return gw.start() if start else gw

    yield start

    problems = []
    for gw in started:
        try:
            if gw.proc is not None and not gw.stopped:
                gw.stop(expect_code=0)
        except AssertionError as e:
            problems.append(str(e))
        finally:
            gw.kill()
    if problems:
        pytest.fail("gateway shutdown at teardown:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def backend(tmp_path):
    """Factory: backend("A") -> a running echo backend process (optionally TLS: cert=Cert). Killed at teardown."""
    started = []

    def start(name, cert=None):
        b = BackendProcess(name, str(tmp_path), cert.cert if cert else None, cert.key if cert else None)
        started.append(b)
        return b

    yield start
    for b in started:
        b.kill()


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """gateway: valid for 127.0.0.1/localhost; backend: valid only for backend.invalid (so hostname checks
    against 127.0.0.1 fail); stranger: a certificate nobody serves."""
    directory = str(tmp_path_factory.mktemp("certs"))

    class Certs:
        gateway = Cert(directory, "gateway", "IP:127.0.0.1,DNS:localhost")
        backend = Cert(directory, "backend", "DNS:backend.invalid")
        stranger = Cert(directory, "stranger", "IP:127.0.0.1,DNS:localhost")

    return Certs


@pytest.fixture(scope="session")
def slow():
    return SLOW


@pytest.fixture(scope="session")
def sanitized():
    return SANITIZED


@pytest.fixture
def pg_database():
    """A fresh PostgreSQL database on the test services' server (POSTGRES_URL), dropped afterwards: its URI."""
    url = os.environ.get("POSTGRES_URL")
    if not url:
        pytest.skip("POSTGRES_URL is not set: run under scripts/services.sh (make test does)")
    import uuid

    import psycopg2

    name = "gantry_e2e_" + uuid.uuid4().hex[:12]
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    base, _, query = url.partition("?")
    uri = base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")
    yield uri
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()
