-- POST /v1/subjects: a new subject per request with an e-mail no other request uses ("b<run>-<thread>-<n>@…"), a
-- name and an address, all sealed; answered 201 only after the commit.
-- usage: BENCH_KEY=… wrk … -s create.lua URL -- RUN_ID
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local run, headers
local counter = 0

function init(args)
  run = args[1] or "0"
  headers = auth_headers()
  headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
      '{"identifiers":{"email":"b%s-%d-%d@example.com"},' ..
      '"fields":{"identity.name":"Bench Person %d","contact.address":"Storgata %d, 0155 Oslo"}}',
      run, tid, counter, counter, counter % 200 + 1)
  return wrk.format("POST", "/v1/subjects", headers, body)
end
