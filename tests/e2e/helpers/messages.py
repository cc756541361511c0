"""Message APIs for the end-to-end tests: v4 definitions over the mock endpoint, an SSE frame parser that reads
a streamed httpx response exactly as a browser's EventSource would, and the engine's gauges from the log."""
import re

import httpx


def mock_endpoint(interval=10, content="mock message", count=None, headers=None, metadata=None):
    configuration = {"messageInterval": interval, "messageContent": content}
    if count is not None:
        configuration["messageCount"] = count
    if headers:
        configuration["headers"] = [{"name": k, "value": v} for k, v in headers.items()]
    if metadata:
        configuration["metadata"] = [{"name": k, "value": v} for k, v in metadata.items()]
    return {"name": "default-group", "type": "mock",
            "endpoints": [{"name": "default", "type": "mock", "weight": 1, "inheritConfiguration": False,
                           "configuration": configuration}]}


def message_api(api_id, path, entrypoints, **mock):
    """entrypoints: [{"type": "sse", "qos": ..., "configuration": {...}}, ...] or plain type names."""
    eps = [{"type": e} if isinstance(e, str) else e for e in entrypoints]
    return {
        "id": api_id, "name": api_id, "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "message",
        "listeners": [{"type": "http", "paths": [{"path": path}], "entrypoints": eps}],
        "endpointGroups": [mock_endpoint(**mock)],
        "flows": [], "analytics": {"enabled": False},
    }


class SseEvent:
    def __init__(self):
        self.id = None
        self.event = "message"
        self.data_lines = []
        self.comments = []
        self.retry = None

    @property
    def data(self):
        return "\n".join(self.data_lines)

    def __repr__(self):
        return f"SseEvent(id={self.id!r}, event={self.event!r}, data={self.data!r}, comments={self.comments!r})"


class SseReader:
    """Reads events from an open httpx streaming response: next_event() returns the next dispatched event (or a
    retry/comment-only block, reported as event None), or None at the end of the stream."""

    def __init__(self, response):
        self.response = response
        self.lines = response.iter_lines()

    def next_block(self):
        ev = SseEvent()
        seen = False
        for line in self.lines:
            line = line.rstrip("\r\n")  # this httpx keeps line endings
            if line == "":
                if seen:
                    return ev
                continue
            seen = True
            if line.startswith(":"):
                ev.comments.append(line[1:])
                continue
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "id":
                ev.id = value
            elif field == "event":
                ev.event = value
            elif field == "data":
                ev.data_lines.append(value)
            elif field == "retry":
                ev.retry = int(value)
        return ev if seen else None

    def next_event(self):
        """The next block carrying data or an event type (skips heartbeats and the retry block)."""
        while True:
            block = self.next_block()
            if block is None or block.data_lines or block.event != "message":
                return block


def sse_stream(client, path, headers=None):
    h = {"Accept": "text/event-stream"}
    h.update(headers or {})
    return client.stream("GET", path, headers=h)


STATS = re.compile(r"message engine: open_streams=(-?\d+) endpoint_subscriptions=(-?\d+) delivered=(\d+) "
                   r"dropped=(\d+) published=(\d+) publish_failures=(\d+)")


def engine_stats(gw):
    """The latest gauges the gateway logged (it logs them each second in which one changed); zeros if none yet."""
    found = STATS.findall(gw.log())
    keys = ("open_streams", "endpoint_subscriptions", "delivered", "dropped", "published", "publish_failures")
    if not found:
        return dict.fromkeys(keys, 0)
    return dict(zip(keys, map(int, found[-1])))


def client(gw, **kwargs):
    kwargs.setdefault("timeout", 30 * gw.slow)
    return httpx.Client(base_url=gw.base_url, trust_env=False, **kwargs)
