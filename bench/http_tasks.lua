-- wrk script of bench/http_bench.cc: GET /api/v1/tasks (the open pick
-- tasks) with an associate's bearer token from $HTTP_BENCH_TOKEN.

wrk.method = "GET"
wrk.path = "/api/v1/tasks"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HTTP_BENCH_TOKEN")
