-- Shared by bench/wrk/*.lua (loaded with dofile from each script, in wrk's main state and in every thread's state).
-- Gives each thread a number `tid` (1, 2, …), reads list files, and prints the run's figures as "result NAME VALUE"
-- lines for bench/run: requests/s, latency p50/p99 in microseconds, wrk's errors (connect, read, write, timeout,
-- HTTP status ≥ 400) and `bad`, what a script's response() counted as wrong in a 2xx answer.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- The non-empty lines of `path`, as an array.
function read_lines(path)
  local lines = {}
  local file = assert(io.open(path, "r"), "cannot read " .. tostring(path))
  for line in file:lines() do
    if line ~= "" then lines[#lines + 1] = line end
  end
  file:close()
  assert(#lines > 0, path .. " is empty")
  return lines
end

-- The Authorization header bench/run passes in BENCH_KEY (absent for the baseline, which ignores it anyway).
function auth_headers()
  local key = os.getenv("BENCH_KEY")
  if key == nil or key == "" then return {} end
  return {["Authorization"] = "Bearer " .. key}
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (tonumber(thread:get("bad")) or 0) end
  io.write(string.format("result requests %d\n", summary.requests))
  io.write(string.format("result requests_per_s %.1f\n", summary.requests / seconds))
  io.write(string.format("result p50_us %d\n", latency:percentile(50)))
  io.write(string.format("result p99_us %d\n", latency:percentile(99)))
  io.write(string.format("result errors %d\n", e.connect + e.read + e.write + e.status + e.timeout))
  io.write(string.format("result bad %d\n", bad))
end
