"""Builders for v4 flows and policy steps, for the flow and policy end-to-end tests."""


def step(policy, configuration=None, **extra):
    s = {"name": policy, "enabled": True, "policy": policy, "configuration": configuration or {}}
    s.update(extra)
    return s


def http_flow(name, path="/", operator="STARTS_WITH", methods=(), request=(), response=(), **extra):
    f = {
        "name": name,
        "enabled": True,
        "selectors": [{"type": "http", "path": path, "pathOperator": operator, "methods": list(methods)}],
        "request": list(request),
        "response": list(response),
        "subscribe": [],
        "publish": [],
    }
    f.update(extra)
    return f


def add_header(name, value):
    return step("transform-headers", {"scope": "REQUEST", "addHeaders": [{"name": name, "value": value}]})


def rate_limit(limit, period=1, unit="SECONDS", key="", policy="rate-limit", section="rate", **extra):
    configuration = {"async": False, "addHeaders": True,
                     section: {"limit": limit, "periodTime": period, "periodTimeUnit": unit, "key": key}}
    configuration.update(extra)
    return step(policy, configuration)
