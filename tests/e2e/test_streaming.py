"""200 MB in each direction streams through the gateway intact, and the gateway's peak RSS stays under 64 MB."""
import hashlib

import pytest

from helpers import pattern
from helpers.definitions import proxy_api

SIZE = 200 * 1024 * 1024
RSS_LIMIT_KB = 64 * 1024

pytestmark = [pytest.mark.streaming, pytest.mark.timeout(900)]


@pytest.fixture
def gw(gantry, backend):
    a = backend("A")
    return gantry([proxy_api("stream", "/s", [a.url()], http={"readTimeout": 120000})])


def assert_rss_bounded(gw, sanitized):
    if sanitized:
        return  # ASan's shadow memory and quarantine make RSS meaningless
    peak = gw.peak_rss_kb()
    assert peak < RSS_LIMIT_KB, f"gateway peak RSS {peak} kB >= {RSS_LIMIT_KB} kB after streaming {SIZE} bytes"


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_200mb_upload(gw, sanitized, slow, framing):
    digest = hashlib.sha256()

    def body():
        for block in pattern.big_blocks(SIZE):
            digest.update(block)
            yield block

    headers = {"Content-Length": str(SIZE)} if framing == "content-length" else {}
    with gw.client(timeout=300 * slow) as c:
        r = c.post("/s/upload", content=body(), headers=headers)
    assert r.status_code == 200, r.text[:500]
    echo = r.json()
    assert echo["body_len"] == SIZE
    assert echo["body_sha256"] == digest.hexdigest()
    assert_rss_bounded(gw, sanitized)


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_200mb_download(gw, sanitized, slow, framing):
    checker = pattern.Checker()
    path = f"/s/bytes/{SIZE}" + ("?cl=1" if framing == "content-length" else "")
    with gw.client(timeout=300 * slow) as c:
        with c.stream("GET", path) as r:
            assert r.status_code == 200
            if framing == "content-length":
                assert r.headers.get("content-length") == str(SIZE)
            for chunk in r.iter_raw():
                checker.feed(chunk)
    assert checker.offset == SIZE
    assert checker.first_bad is None, f"first wrong byte at offset {checker.first_bad}"
    assert_rss_bounded(gw, sanitized)


def test_a_stream_is_passed_on_as_it_comes(gw, slow):
    """What the backend has sent reaches the client while the backend is still quiet: the gateway does not wait for
    more to fill a buffer (an SSE or log stream behind a proxy API)."""
    with gw.client(timeout=10 * slow) as c:
        with c.stream("GET", "/s/trickle/60000") as r:  # the rest comes a minute later
            assert r.status_code == 200
            first = next(r.iter_raw())
    assert first == b"first piece\n"
