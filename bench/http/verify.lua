-- wrk: POST /api/v1/verify with a seal signed under the demo PKI (run.sh), as a public
-- verifier: decode, signer look-up, ECDSA verification, register look-up, JSON answer.
local code = os.getenv("OPENVAP_BENCH_SEAL")
wrk.method = "POST"
wrk.path = "/api/v1/verify"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"code": "' .. code .. '"}'
done = function(summary, latency, requests)
  io.write(string.format("non-2xx answers: %d\n", summary.errors.status))
end
