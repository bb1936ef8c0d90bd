-- GET /v1/subjects?email=… for an e-mail drawn uniformly from the list file args[1], for purpose customer_service:
-- a blind-index look-up, a decision, the subject's fields decrypted, and an audit entry committed before the answer.
-- usage: BENCH_KEY=… wrk … -s read.lua URL -- EMAILS_FILE
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local paths, headers

function init(args)
  paths = {}
  for i, email in ipairs(read_lines(args[1])) do
    paths[i] = "/v1/subjects?email=" .. email:gsub("@", "%%40")
  end
  headers = auth_headers()
  headers["Tillit-Purpose"] = "customer_service"
  math.randomseed(tid * 7919)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
