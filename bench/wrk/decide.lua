-- GET /v1/decide for a subject drawn uniformly from the list file args[1] (one subject id per line), asking one of
-- four questions. The same script drives the baseline server, which answers any GET with a constant body.
-- usage: BENCH_KEY=… wrk … -s decide.lua URL -- IDS_FILE
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local questions = {"&purpose=marketing&channel=email", "&purpose=profiling", "&purpose=analytics",
                   "&purpose=contract"}
local ids, headers

function init(args)
  ids = read_lines(args[1])
  headers = auth_headers()
  math.randomseed(tid * 7919)
end

function request()
  return wrk.format("GET", "/v1/decide?subject=" .. ids[math.random(#ids)] .. questions[math.random(#questions)],
                    headers)
end
