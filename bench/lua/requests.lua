-- wrk script for the benchmark: replays the requests of a file written by bench/loadgen.py, one per line,
--   METHOD <tab> PATH <tab> TOKEN <tab> IDEMPOTENT (0/1) <tab> BODY
-- cycling through them from a different place in each thread; counts responses by status; prints one JSON line.
-- Usage: wrk -t1 -c50 -d20s -s requests.lua http://127.0.0.1:PORT -- FILE NONCE

local threads = {}
local counter = 0
local requests = {}
local nonce = "0"
statuses = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  nonce = args[2] or tostring(os.time())
  for line in io.lines(args[1]) do
    local method, path, token, idem, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if method then
      table.insert(requests, {method = method, path = path, token = token, idem = idem == "1", body = body})
    end
  end
  counter = (id - 1) * 7919
end

function request()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  local headers = {}
  if r.token ~= "" then headers["Authorization"] = "Bearer " .. r.token end
  local body = nil
  if r.body ~= "" then
    headers["Content-Type"] = "application/json"
    body = r.body
  end
  if r.idem then headers["Idempotency-Key"] = nonce .. "-" .. id .. "-" .. counter end
  return wrk.format(r.method, r.path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
  local merged = {}
  for _, thread in ipairs(threads) do
    local st = thread:get("statuses")
    for code, n in pairs(st) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", ")))
end
