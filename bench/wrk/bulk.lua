-- POST /v1/records/bulk with the NDJSON bodies in the files args[1..n] (bench/run writes them: 1 000 records each),
-- taken in turn. A 200 whose answer rejects any record counts as `bad`.
-- usage: BENCH_KEY=… wrk … -s bulk.lua URL -- BODY_FILE…
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local bodies, headers
local next_body = 0
bad = 0

function init(args)
  bodies = {}
  for i, path in ipairs(args) do
    local file = assert(io.open(path, "r"), "cannot read " .. path)
    bodies[i] = file:read("*a")
    file:close()
  end
  assert(#bodies > 0, "name the NDJSON body files after --")
  next_body = tid
  headers = auth_headers()
  headers["Content-Type"] = "application/x-ndjson"
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/records/bulk", headers, bodies[next_body])
end

function response(status, headers, body)
  if status == 200 and not body:find('"rejected":0', 1, true) then bad = bad + 1 end
end
