"""Builders for Gravitee v4 API definitions (the JSON users export from Gravitee and drop into apis.dir)."""


def endpoint(target, name=None, weight=1, secondary=False, **extra):
    ep = {
        "name": name or "e",
        "type": "http-proxy",
        "weight": weight,
        "inheritConfiguration": True,
        "configuration": {"target": target},
    }
    if secondary:
        ep["secondary"] = True
    ep.update(extra)
    return ep


def proxy_api(api_id, path, targets, lb="ROUND_ROBIN", http=None, ssl=None, headers=None, services=None,
              host=None, paths=None, **extra):
    """A v4 proxy API. `targets` holds target URLs or endpoint() dicts; `extra` goes to the top level
    (e.g. failover=...); `paths` replaces the single listener path when several are wanted."""
    endpoints = []
    for i, target in enumerate(targets):
        ep = endpoint(target) if isinstance(target, str) else dict(target)
        if ep.get("name") in (None, "e"):
            ep["name"] = f"e{i + 1}"
        endpoints.append(ep)
    shared = {"http": {"connectTimeout": 3000, "readTimeout": 10000, "keepAlive": True}}
    if http:
        shared["http"].update(http)
    if ssl is not None:
        shared["ssl"] = ssl
    if headers is not None:
        shared["headers"] = [{"name": k, "value": v} for k, v in headers]
    group = {
        "name": "default",
        "type": "http-proxy",
        "loadBalancer": {"type": lb},
        "sharedConfiguration": shared,
        "endpoints": endpoints,
    }
    if services is not None:
        group["services"] = services
    listener_path = {"path": path}
    if host:
        listener_path["host"] = host
    api = {
        "id": api_id,
        "name": api_id,
        "apiVersion": "1.0",
        "definitionVersion": "4.0.0",
        "type": "proxy",
        "listeners": [{
            "type": "http",
            "paths": paths or [listener_path],
            "entrypoints": [{"type": "http-proxy"}],
        }],
        "endpointGroups": [group],
        "flows": [],
        "analytics": {"enabled": False},
    }
    api.update(extra)
    return api


def health_check(target="/health", failure_threshold=1, success_threshold=1):
    return {
        "healthCheck": {
            "enabled": True,
            "type": "http-health-check",
            "configuration": {
                "schedule": "*/1 * * * * *",
                "method": "GET",
                "target": target,
                "assertion": "{#response.status == 200}",
                "successThreshold": success_threshold,
                "failureThreshold": failure_threshold,
            },
        }
    }


FAILOVER = {"enabled": True, "maxRetries": 2, "slowCallDuration": 2000, "openStateDuration": 1000,
            "maxFailures": 1, "perSubscription": False}
