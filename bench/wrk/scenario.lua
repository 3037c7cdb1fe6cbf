-- One wrk script for every scenario. Arguments (after `--`): method, cookie header, CSRF token,
-- Authorization header (the API's bearer token; empty for the web), and for POST what to send:
-- `form` (the default: the web's compose form) or `status` (the API's POST /api/v1/statuses as
-- JSON, with the bearer token and no CSRF header); then, optionally, a file of Authorization
-- headers, one a line: each request then goes as the next of them (many members posting).
-- GET requests repeat the same request; POST sends a post with a unique text and counts the
-- answers that are 429 (Hearth's rate limits), which wrk's status errors lump in with every
-- other status of 400 or more.
-- done() prints one JSON line the runner parses (latencies in microseconds).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  method = args[1] or "GET"
  -- Added to wrk.headers, not replacing it: that table carries the Host header.
  if args[2] and args[2] ~= "" then wrk.headers["Cookie"] = args[2] end
  if args[4] and args[4] ~= "" then wrk.headers["Authorization"] = args[4] end
  body_kind = args[5] or "form"
  authorizations = {}
  if args[6] and args[6] ~= "" then
    for line in io.lines(args[6]) do
      if line ~= "" then table.insert(authorizations, line) end
    end
  end
  if method == "POST" and body_kind == "status" then
    wrk.headers["Content-Type"] = "application/json"
  elseif method == "POST" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["X-CSRFToken"] = args[3] or ""
  end
  if method == "POST" then
    -- Defined for POST only: with a response() wrk parses every answer's headers, a cost the
    -- GET scenarios (the floor) should not pay.
    response = function(status, headers, body)
      if status == 429 then limited = limited + 1 end
    end
  end
  counter = 0
  limited = 0
end

-- The API's body (bench/tests/test_posting.py posts it to the endpoint to check it is accepted).
local STATUS_BODY = '{"status": "Bench API post %d-%d-%d about #benchmarks", "visibility": "public"}'

function request()
  if method == "POST" and body_kind == "status" then
    counter = counter + 1
    local body = string.format(STATUS_BODY, id, counter, os.time())
    if #authorizations > 0 then
      local headers = {}
      for name, value in pairs(wrk.headers) do headers[name] = value end
      headers["Authorization"] = authorizations[(counter * 2 + id) % #authorizations + 1]
      return wrk.format("POST", nil, headers, body)
    end
    return wrk.format("POST", nil, nil, body)
  end
  if method == "POST" then
    counter = counter + 1
    local body = string.format(
      "visibility=public&spoiler_text=&text=Bench+post+%d-%d-%d+about+%%23benchmarks",
      id, counter, os.time())
    return wrk.format("POST", nil, nil, body)
  end
  return wrk.format("GET")
end

function done(summary, latency, requests)
  local e = summary.errors
  local limited_total = 0
  for _, thread in ipairs(threads) do
    limited_total = limited_total + (thread:get("limited") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"limited": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max, limited_total))
end
