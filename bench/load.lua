-- wrk script: requests from a file, sent at a fixed total rate, non-2xx answers counted.
--
--   BENCH_REQUESTS  file, one request per line: METHOD <TAB> PATH <TAB> USER-ID [<TAB> JSON]
--   BENCH_RATE      requests per second, all wrk threads together
--   BENCH_THREADS   the -t given to wrk
--   BENCH_OFFSET    first line to send (0-based, optional): the warm-up starts half-way
--                   through the file, so the measured run does not re-read what it just warmed
--
-- Pacing: each thread owns a schedule (one slot every threads/rate ms from its first request);
-- a connection ready to send claims the next slot and wrk's delay() waits for it, so the rate
-- holds while the server keeps up and the achieved rate drops (it is reported) when it cannot.
-- Latency is wrk's: from writing a request to its response.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local lines, count, next_line = {}, 0, 0
local interval, started, slot = 0, nil, 0
bad, bad_total = {}, 0

function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, user, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t?(.*)$")
    local headers = { ["X-User-ID"] = user }
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    count = count + 1
    lines[count] = wrk.format(method, path, headers, body)
  end
  local rate = tonumber(os.getenv("BENCH_RATE")) / tonumber(os.getenv("BENCH_THREADS"))
  interval = 1000 / rate
  local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
  next_line = (offset + thread_index * 7919) % count -- threads start at different requests
end

function delay()
  local now = now_ms()
  started = started or now
  local due = started + slot * interval
  slot = slot + 1
  if due <= now then
    return 0
  end
  return due - now
end

function request()
  next_line = next_line % count + 1
  return lines[next_line]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad[status] = (bad[status] or 0) + 1
    bad_total = bad_total + 1
  end
end

function done(summary, latency, requests)
  local statuses, non2xx = {}, 0
  for _, thread in ipairs(threads) do
    non2xx = non2xx + (thread:get("bad_total") or 0)
    for status, n in pairs(thread:get("bad") or {}) do
      statuses[#statuses + 1] = string.format('"%d": %d', status, n)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "non2xx": %d, "statuses": {%s}, "connect": %d, "read": %d, "write": %d, '
    .. '"timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, non2xx, table.concat(statuses, ", "), e.connect, e.read,
    e.write, e.timeout))
end
