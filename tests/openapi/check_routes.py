#!/usr/bin/python3
"""Checks that docs/openapi.yaml and the routes tillit serves agree.

Usage: check_routes.py SPEC ROUTES_FILE
ROUTES_FILE holds `tillit serve --print-routes` output: one "METHOD /path/:param ACCESS" per line. Every served
route must be in the spec and every operation of the spec must be served; each operation needs an operationId, a
summary, at least one response and an `x-tillit-access` equal to the route's ACCESS (public, key, key:ACTION or
public|key:ACTION), and every path parameter must be declared. Exits 1 and names each disagreement otherwise.
"""
import re
import sys

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def spec_operations(spec):
    ops = {}
    for path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            if method in item:
                ops[(method.upper(), path)] = (item, item[method])
    return ops


def resolve(spec, ref):
    # A local reference, "#/components/parameters/Id".
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


def to_openapi(pattern):
    # Express syntax ("/v1/subjects/:id") to OpenAPI ("/v1/subjects/{id}").
    return re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", pattern)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    served = set()
    access = {}
    with open(argv[2], encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                key = (parts[0], to_openapi(parts[1]))
                served.add(key)
                access[key] = parts[2] if len(parts) > 2 else None
    ops = spec_operations(spec)
    problems = []
    for method, path in sorted(served - set(ops)):
        problems.append(f"{method} {path}: served but not in {argv[1]}")
    for method, path in sorted(set(ops) - served):
        problems.append(f"{method} {path}: in {argv[1]} but not served")
    seen_ids = {}
    for (method, path), (item, op) in sorted(ops.items()):
        name = f"{method} {path}"
        if not op.get("operationId"):
            problems.append(f"{name}: no operationId")
        elif op["operationId"] in seen_ids:
            problems.append(f"{name}: operationId {op['operationId']} also used by {seen_ids[op['operationId']]}")
        else:
            seen_ids[op["operationId"]] = name
        if not op.get("summary"):
            problems.append(f"{name}: no summary")
        if not op.get("responses"):
            problems.append(f"{name}: no responses")
        served_access = access.get((method, path))
        if served_access is not None and op.get("x-tillit-access") != served_access:
            problems.append(f"{name}: x-tillit-access is {op.get('x-tillit-access')!r}, the server says {served_access!r}")
        declared = set()
        for p in (item.get("parameters") or []) + (op.get("parameters") or []):
            if isinstance(p, dict) and "$ref" in p:
                p = resolve(spec, p["$ref"])
            if isinstance(p, dict) and p.get("in") == "path":
                declared.add(p.get("name"))
        for param in re.findall(r"{([^}]+)}", path):
            if param not in declared:
                problems.append(f"{name}: path parameter {param} not declared")
    for p in problems:
        print(p)
    print(f"{len(served)} routes served, {len(ops)} operations in the spec, {len(problems)} disagreements")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
