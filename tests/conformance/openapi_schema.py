"""Reading an OpenAPI 3 document and comparing real JSON bodies with its schemas, field by field.

Only what a field-name comparison needs: local $refs, allOf (merged), oneOf/anyOf (picked by the discriminator, or
else the branch that fits best), properties, required, enum, additionalProperties, items and the JSON type. A
`$ref` into another file (Gravitee's openapi-environments.yaml, not in the corpus) reads as "anything goes".

A problem is a (kind, path) pair; array indices in the path read `[*]` so that one missing field in every item of
a list is one problem:
  ("unknown", "$.data[*].foo")      a field we send that the schema does not have
  ("enum", "$.status=OPEN")          a value not among the schema's enum (the value is part of the path)
  ("required", "$.definitionVersion") a field the schema requires that we do not send
  ("type", "$.order:string")         a value of another JSON type than the schema's (ours after the colon)
"""
import yaml

_JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def json_type(value):
    for name in ("boolean", "integer", "number", "string", "object", "array"):
        if _JSON_TYPES[name](value):
            return name
    return "null"


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 10x faster

    # -- $refs ---------------------------------------------------------------------------------------------------
    def deref(self, node):
        """The node a (chain of) local $ref points at; None for a $ref into another file."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                return None
            seen.add(ref)
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def operation(self, method, path):
        return self.doc["paths"][path][method.lower()]

    def response_schema(self, method, path, status):
        """The JSON schema of that response; None when the operation documents no body for it."""
        responses = self.operation(method, path)["responses"]
        response = self.deref(responses.get(str(status), responses.get(status)))
        if response is None:
            raise KeyError(f"{method} {path} documents no {status} response")
        return (response.get("content") or {}).get("application/json", {}).get("schema")

    def request_schema(self, method, path):
        body = self.deref(self.operation(method, path).get("requestBody"))
        return body["content"]["application/json"]["schema"] if body else None

    def statuses(self, method, path):
        return sorted(str(s) for s in self.operation(method, path)["responses"] if str(s) != "default")

    # -- flattening --------------------------------------------------------------------------------------------
    def _flat(self, schema, value, follow_discriminator=True):
        """{properties, required, enum, type, items, additional, choices} of a schema for this value:
        allOf merged; a discriminator followed to the subtype the value names. `choices` is a oneOf/anyOf the
        discriminator could not settle (the caller tries each)."""
        schema = self.deref(schema)
        flat = {"properties": {}, "required": set(), "enum": None, "type": None, "items": None,
                "additional": None, "choices": None, "free": schema is None}
        if schema is None:
            return flat
        target = self._discriminated(schema, value) if follow_discriminator else None
        if target is not None:
            return self._flat(target, value, follow_discriminator=False)
        for part in schema.get("allOf", []):
            self._merge(flat, self._flat(part, value, follow_discriminator=False))
        choices = schema.get("oneOf") or schema.get("anyOf")
        if choices:
            flat["choices"] = choices
        own = {"properties": schema.get("properties") or {}, "required": set(schema.get("required", [])),
               "enum": schema.get("enum"), "type": schema.get("type"), "items": schema.get("items"),
               "additional": schema.get("additionalProperties"), "choices": None, "free": False}
        self._merge(flat, own)
        return flat

    def _discriminated(self, schema, value):
        discriminator = schema.get("discriminator")
        if not discriminator or not isinstance(value, dict):
            return None
        name = value.get(discriminator["propertyName"])
        ref = (discriminator.get("mapping") or {}).get(name) if isinstance(name, str) else None
        if ref is None:
            return None
        if not ref.startswith("#") and "/" not in ref:  # a bare schema name
            ref = "#/components/schemas/" + ref
        target = self.deref({"$ref": ref})
        return None if target is schema else {"$ref": ref}

    @staticmethod
    def _merge(into, part):
        into["properties"] = {**into["properties"], **part["properties"]}
        into["required"] |= part["required"]
        for key in ("enum", "type", "items", "additional", "choices"):
            if part[key] is not None:
                into[key] = part[key]
        into["free"] = into["free"] or part["free"]

    # -- comparing ---------------------------------------------------------------------------------------------
    def problems(self, schema, value, path="$"):
        """Every difference between a JSON value and a schema, as a set of (kind, path)."""
        found = set()
        self._compare(schema, value, path, found)
        return found

    def _compare(self, schema, value, path, found):
        flat = self._flat(schema, value)
        if flat["free"] or value is None:
            return
        if flat["choices"] is not None and not flat["properties"]:
            found |= min((self.problems(choice, value, path) for choice in flat["choices"]),
                         key=lambda p: (len(p), sorted(p)))
            return
        kind = flat["type"]
        if kind is None and flat["properties"]:
            kind = "object"
        if kind is not None and not _JSON_TYPES[kind](value):
            found.add(("type", f"{path}:{json_type(value)}"))
            return
        if flat["enum"] is not None and value not in flat["enum"]:
            found.add(("enum", f"{path}={value}"))
        if isinstance(value, dict):
            self._compare_object(flat, value, path, found)
        elif isinstance(value, list) and flat["items"] is not None:
            for item in value:
                self._compare(flat["items"], item, f"{path}[*]", found)

    def _compare_object(self, flat, value, path, found):
        properties, additional = flat["properties"], flat["additional"]
        for name, item in value.items():
            if name in properties:
                self._compare(properties[name], item, f"{path}.{name}", found)
            elif isinstance(additional, dict):
                self._compare(additional, item, f"{path}.{name}", found)
            elif properties and additional is not True:
                found.add(("unknown", f"{path}.{name}"))
            # an object schema without properties is free-form: anything goes
        for name in sorted(flat["required"]):
            if name not in value:
                found.add(("required", f"{path}.{name}"))
