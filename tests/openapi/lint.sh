#!/bin/sh
# Lints an OpenAPI document with the Redocly CLI installed by scripts/install-deps (tests/openapi/node_modules) under
# tests/openapi/redocly.yaml: every warning an error. With --expect-problems the lint must find some (a broken spec
# shows that the lint can fail). Exits 77, which ctest reports as skipped, when the linter is not installed (npm could
# not reach its registry when install-deps ran).
# usage: lint.sh SPEC [--expect-problems]
dir=$(cd "$(dirname "$0")" && pwd)
redocly=$dir/node_modules/.bin/redocly
if [ ! -x "$redocly" ]; then
  echo "lint.sh: $redocly is not installed; run scripts/install-deps (it needs the npm registry)" >&2
  exit 77
fi
"$redocly" lint "$1" --config "$dir/redocly.yaml"
rc=$?
if [ "$2" = "--expect-problems" ]; then
  if [ $rc -eq 0 ]; then echo "lint.sh: the lint found no problem in $1, which has some" >&2; exit 1; fi
  exit 0
fi
exit $rc
