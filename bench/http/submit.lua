-- wrk: POST /api/v1/applications/{id}/submit over the prepared applications (prepare.py).
-- Each request is a whole submission: the declarations, the automated pre-checks of the rules
-- engine, the audit entry and the application's new version, in one write transaction.
dofile(os.getenv("OPENVAP_BENCH_CONFIG"))
local counter = 0
request = function()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  return wrk.format("POST", "/api/v1/applications/" .. id .. "/submit",
    {["Content-Type"] = "application/json", ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf},
    '{"declarations": ["D1", "D3", "D4", "D5", "D6"]}')
end
-- No response() callback: wrk counts answers other than 2xx/3xx itself, and handing every
-- body to Lua would take CPU from the server it shares the machine with.
done = function(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
end
