-- wrk script for the Redis outage soak: cycles through the paths given after "--" and counts
-- responses by status code and by second, so the outage can be read from the counts.
local paths = {}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for index, path in ipairs(args) do
    paths[index] = path
  end
  statuses = {}
  seconds = {}
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local now = os.time()
  seconds[now] = (seconds[now] or 0) + 1
end

function done(summary, latency, requests)
  local total_statuses, total_seconds = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total_statuses[status] = (total_statuses[status] or 0) + count
    end
    for second, count in pairs(thread:get("seconds")) do
      total_seconds[second] = (total_seconds[second] or 0) + count
    end
  end
  for status, count in pairs(total_statuses) do
    io.write(string.format("status %d %d\n", status, count))
  end
  for second, count in pairs(total_seconds) do
    io.write(string.format("second %d %d\n", second, count))
  end
  io.write(string.format("p99 %.3f\n", latency:percentile(99) / 1000))
end
