"""The known byte pattern of large transfers: byte i of a stream is i % 251.

251 is prime, so a dropped, duplicated or reordered block shifts the phase and cannot go unnoticed.
"""
PERIOD = 251
_BLOCK = bytes(range(PERIOD)) * 261  # 65 511 bytes, a whole number of periods: every block starts at phase 0
_WIDE = bytes(range(PERIOD)) * (((4 << 20) // PERIOD) + 2)  # slicing window for checks of chunks up to 4 MiB


def blocks(total, block=_BLOCK):
    """Yields `total` bytes of the pattern in blocks (all but the last are the same object: no allocation)."""
    sent = 0
    while sent + len(block) <= total:
        yield block
        sent += len(block)
    if sent < total:
        yield block[: total - sent]


def big_blocks(total):
    """Same stream in ~1 MiB blocks, for uploads (fewer Python-level iterations)."""
    return blocks(total, _BLOCK * 16)


def expected(offset, length):
    """The pattern bytes at [offset, offset + length)."""
    out = bytearray()
    while length > 0:
        take = min(length, len(_WIDE) - PERIOD)
        phase = offset % PERIOD
        out += _WIDE[phase: phase + take]
        offset += take
        length -= take
    return bytes(out)


class Checker:
    """Verifies a stream against the pattern chunk by chunk, without keeping it."""

    def __init__(self):
        self.offset = 0
        self.first_bad = None

    def feed(self, chunk):
        if self.first_bad is None and chunk != expected(self.offset, len(chunk)):
            want = expected(self.offset, len(chunk))
            index = next(i for i in range(len(chunk)) if chunk[i] != want[i])
            self.first_bad = self.offset + index
        self.offset += len(chunk)
