-- wrk: POST /api/v1/verify with the seal of a visa issued on the server (run.sh, issue_visa.py),
-- as a public verifier: decode, signer look-up, ECDSA verification, register look-up, JSON answer
-- ("valid").
local code = os.getenv("OPENVAP_BENCH_SEAL")
wrk.method = "POST"
wrk.path = "/api/v1/verify"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"code": "' .. code .. '"}'
done = function(summary, latency, requests)
  io.write(string.format("non-2xx answers: %d\n", summary.errors.status))
end
