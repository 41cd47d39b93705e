-- wrk: POST /api/v1/applications/{id}/submit over the prepared applications (prepare.py).
-- Each request is a whole submission: the declarations, the automated pre-checks of the rules
-- engine, the audit entry and the application's new version, in one write transaction.
dofile(os.getenv("OPENVAP_BENCH_CONFIG"))
-- Every request is written once, when the script is loaded (once per wrk thread), and sent as
-- it is: building each one in Lua took wrk a quarter more CPU per request, taken from the server
-- it shares the machine with (docs/PERFORMANCE.md).
local prepared = {}
for i, id in ipairs(ids) do
  prepared[i] = wrk.format("POST", "/api/v1/applications/" .. id .. "/submit",
    {["Content-Type"] = "application/json", ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf},
    '{"declarations": ["D1", "D3", "D4", "D5", "D6"]}')
end
local counter = 0
request = function()
  counter = counter + 1
  return prepared[(counter % #prepared) + 1]
end
-- No response() callback: wrk counts answers other than 2xx/3xx itself, and handing every
-- body to Lua would take CPU from the server it shares the machine with.
done = function(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
end
