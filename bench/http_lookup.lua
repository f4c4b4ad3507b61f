-- wrk script of bench/http_bench.cc: POST /api/v1/kiosk/lookup with a
-- kiosk's device token and an order ref and its pickup code.
--
-- $HTTP_BENCH_LOOKUPS names a file of lines "K <token>" (one per kiosk) and
-- "R <order_ref> <pickup_code>" (one per pickup order). Every wrk thread
-- takes its own share of the kiosks and of the refs (every Nth,
-- N = $HTTP_BENCH_THREADS) and cycles through it.

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  local threads = tonumber(os.getenv("HTTP_BENCH_THREADS"))
  local kiosks, refs = {}, {}
  for line in io.lines(os.getenv("HTTP_BENCH_LOOKUPS")) do
    local kind, a, b = line:match("^(%a) (%S+) ?(%S*)$")
    if kind == "K" then
      table.insert(kiosks, a)
    elseif kind == "R" then
      table.insert(refs, {ref = a, code = b})
    end
  end
  my_kiosks, my_refs = {}, {}
  for i = id + 1, #kiosks, threads do table.insert(my_kiosks, kiosks[i]) end
  for i = id + 1, #refs, threads do table.insert(my_refs, refs[i]) end
  n = 0
end

function request()
  n = n + 1
  local kiosk = my_kiosks[(n % #my_kiosks) + 1]
  local r = my_refs[(n % #my_refs) + 1]
  local body = '{"order_ref":"' .. r.ref .. '","pickup_code":"' .. r.code .. '"}'
  return wrk.format("POST", "/api/v1/kiosk/lookup",
                    {["Authorization"] = "Bearer " .. kiosk, ["Content-Type"] = "application/json"}, body)
end
