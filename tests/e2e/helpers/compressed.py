"""The compressed answers of the backend's /compressed/{kind}/{n} route, computed the same way on both sides.

The identity body is text (numbered lines), so a decompressor that drops, repeats or reorders output blocks
cannot go unnoticed. `kind` is how the body is compressed: gzip, zlib (Content-Encoding: deflate as RFC 9110
means it) or raw (Content-Encoding: deflate as many servers actually send it, without the zlib wrapper).
"""
import functools
import gzip
import zlib

CONTENT_ENCODING = {"gzip": "gzip", "zlib": "deflate", "raw": "deflate"}


@functools.lru_cache(maxsize=4)
def text(n):
    """`n` bytes of numbered lines: line i is 'NNNNNNN the quick brown fox jumps over the lazy dog\\n'."""
    line_len = len(f"{0:07d} the quick brown fox jumps over the lazy dog\n")
    lines = n // line_len + 1
    data = "".join(f"{i:07d} the quick brown fox jumps over the lazy dog\n" for i in range(lines)).encode()
    return data[:n]


@functools.lru_cache(maxsize=8)
def body(kind, n):
    """The compressed bytes the backend sends for /compressed/{kind}/{n} (deterministic: gzip mtime is 0)."""
    data = text(n)
    if kind == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if kind == "zlib":
        return zlib.compress(data, 6)
    if kind == "raw":
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()
    raise ValueError(kind)
