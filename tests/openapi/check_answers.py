#!/usr/bin/python3
"""Checks the JSON answers the integration suite received against docs/openapi.yaml (ctest openapi.live_answers).

usage: check_answers.py SPEC ANSWERS_DIR

ANSWERS_DIR holds the NDJSON files tests/support/process.cc writes when TILLIT_RECORD_ANSWERS names it: one
{"method","path","status","body"} per JSON answer. Each answer is matched to the spec's operation (method and path
template) and to the response of its status (or the spec's `4XX`/`default`), and its body is validated against that
response's JSON schema made closed: an object schema that lists `properties` and says nothing about further ones
admits no others (`unevaluatedProperties: false`), so a field the server sends and the spec does not list is an error,
as is a required field the server leaves out or a value of another type.

Answers of a path the spec does not have are errors too, except 404 and 405, which tests ask for on purpose. Statuses
any route can answer before its handler runs (401, 413, 414, 415, 431, 503) need not be listed per operation.

Prints one line per distinct problem (operation, status, what) with the number of answers that showed it, and a
summary; exits 1 when there is a problem or when no answer was recorded (nothing was checked), 0 otherwise.
"""
import collections
import copy
import glob
import json
import os
import re
import sys

import jsonschema
import yaml

GENERIC_STATUSES = {401, 413, 414, 415, 431, 503}
# Errors the server answers before a route's handler runs, on any route: they need not be listed per operation.
GENERIC_CODES = {"invalid_path", "uri_too_long", "headers_too_large", "body_too_large", "unsupported_media_type",
                 "body_not_expected", "method_not_allowed", "api_key_required", "invalid_api_key", "api_key_revoked",
                 "shutting_down", "storage_unavailable"}


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        target = spec
        for part in ref.lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **rest} if rest else target
    return node


def closed(spec, schema, seen=(), branch=False):
    """The schema with every $ref inlined and every object that lists properties closed. A `branch` (an allOf part)
    stays open: the schema holding the allOf closes over the properties of all its parts."""
    if isinstance(schema, list):
        return [closed(spec, s, seen) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:  # a recursive schema: leave the inner level open
            return {}
        return closed(spec, resolve(spec, schema), seen + (ref,), branch)
    out = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "$defs"):
            out[key] = {k: closed(spec, v, seen) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not", "contains", "unevaluatedProperties"):
            out[key] = closed(spec, value, seen)
        elif key == "allOf":
            out[key] = [closed(spec, v, seen, branch=True) for v in value]
        elif key in ("anyOf", "oneOf", "prefixItems"):
            out[key] = [closed(spec, v, seen) for v in value]
        elif key in ("example", "examples", "description", "summary"):
            continue
        else:
            out[key] = copy.deepcopy(value)
    lists_properties = "properties" in out or any(
        isinstance(b, dict) and "properties" in b for b in out.get("allOf", []))
    if branch:
        out.pop("additionalProperties", None) if out.get("additionalProperties") is False else None
    elif lists_properties and "additionalProperties" not in out and "unevaluatedProperties" not in out:
        out["unevaluatedProperties"] = False
    return out


def operations(spec):
    ops = []
    for template, item in spec.get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        for method, op in item.items():
            if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                ops.append((method.upper(), re.compile(pattern), template, op))
    # Literal paths before templated ones (/v1/subjects/bulk before /v1/subjects/{id}).
    ops.sort(key=lambda o: o[2].count("{"))
    return ops


def response_for(op, status):
    responses = op.get("responses", {})
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            return responses[key]
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    spec_path, answers_dir = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    ops = operations(spec)
    problems = collections.Counter()
    checked = 0
    validators = {}
    for path in sorted(glob.glob(os.path.join(answers_dir, "*.ndjson"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                a = json.loads(line)
                method, status = a["method"], a["status"]
                op = next((o for o in ops if o[0] == method and o[1].match(a["path"])), None)
                if op is None:
                    if status not in (404, 405):
                        problems[(f"{method} {a['path']}", status, "the spec has no such operation")] += 1
                    continue
                name = f"{method} {op[2]}"
                response = response_for(op[3], status)
                if response is None:
                    try:
                        code = json.loads(a["body"]).get("error", {}).get("code", "")
                    except (ValueError, AttributeError):
                        code = ""
                    if status not in GENERIC_STATUSES and code not in GENERIC_CODES:
                        problems[(name, status, "the spec lists no answer with this status")] += 1
                    continue
                response = resolve(spec, response)
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema is None:
                    problems[(name, status, "the spec gives no application/json schema for this answer")] += 1
                    continue
                try:
                    body = json.loads(a["body"])
                except ValueError:
                    problems[(name, status, "the answer is not JSON")] += 1
                    continue
                key = (name, str(status))
                if key not in validators:
                    validators[key] = jsonschema.Draft202012Validator(closed(spec, schema))
                checked += 1
                for error in validators[key].iter_errors(body):
                    where = "/".join("*" if isinstance(p, int) else str(p) for p in error.absolute_path) or "(the body)"
                    message = re.sub(r"'[^']{40,}'", "'…'", error.message)
                    problems[(name, status, f"{where}: {message[:200]}")] += 1
    for (name, status, what), n in sorted(problems.items()):
        print(f"{name} → {status}: {what} ({n}×)")
    print(f"check_answers: {checked} answers checked against {spec_path}, {len(problems)} problems")
    if checked == 0:
        print("check_answers: no answers were recorded; run the integration tests with TILLIT_RECORD_ANSWERS set")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
