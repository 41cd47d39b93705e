#!/usr/bin/env python3
"""Prepares a running `openvap serve --demo` for the HTTP benchmarks (docs/PERFORMANCE.md).

Registers a representative (the verification mail is read from DATA_DIR/mail), enrols TOTP,
creates N applications with a complete form and submits each once, then writes the Lua
configuration that submit.lua reads: the session cookie, the CSRF token and the ids.

usage: prepare.py BASE_URL DATA_DIR N OUT.lua
"""
import datetime, http.cookiejar, json, os, sys
import urllib.request

import openvap_bench

base, data_dir, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
csrf = ""


def call(method, path, body=None):
    global csrf
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if csrf:
        req.add_header("X-CSRF-Token", csrf)
    with opener.open(req) as r:
        answer = json.loads(r.read() or b"{}")
    csrf = answer.get("csrf_token", csrf)
    return answer


email, password = "bench@example.org", "a long enough passphrase"
# A representative (an agency): it keeps up to 1000 applications open at once, and the
# applications here are submitted without their fee, so they stay open (ApplicationLimits).
call("POST", "/api/v1/accounts",
     {"email": email, "password": password, "display_name": "Bench", "role": "representative"})
token = openvap_bench.mailed_token(data_dir, email)
call("POST", "/api/v1/accounts/verify-email", {"token": token})
call("POST", "/api/v1/sessions", {"email": email, "password": password})
secret = call("POST", "/api/v1/me/mfa/totp")["secret"]
call("POST", "/api/v1/me/mfa/totp/confirm", {"code": openvap_bench.totp(secret)})

# OPENVAP_BENCH_FORM_PAD=N lengthens the place of birth by N letters, and each stored application
# by as many bytes. Without it the row of this form is 4,061 bytes since aa92462 (26 bytes more
# than before), SQLite's largest kept whole on a 4-kB page, and it spills to an overflow page when
# its version reaches 10; with 30 it spills from the start (docs/PERFORMANCE.md, sixteenth
# session).
pad = "X" * int(os.environ.get("OPENVAP_BENCH_FORM_PAD", "0"))
day = lambda n: (datetime.date.today() + datetime.timedelta(days=n)).isoformat()
form = {"1": "DOE", "3": "ANA", "4": "1990-05-01", "5": "Mumbai" + pad, "6": "IND", "7": "IND",
        "8": "Female", "9": "Single", "12": "Ordinary passport", "13": "X1234567",
        "14": "2020-01-01", "15": "2030-01-01", "16": "IND", "19": email, "21": "Engineer",
        "23": ["Tourism"], "25": ["FR"], "26": "FR", "27": "single", "27a": day(30),
        "27b": day(39), "30": "Hotel", "32": "by the applicant himself/herself",
        "itinerary": [{"state": "FR", "from": day(30), "to": day(39)}]}
ids = []
for i in range(count):
    app = call("POST", "/api/v1/applications", {"kind": "short-stay-visa"})
    call("PATCH", "/api/v1/applications/%s/form" % app["id"], {"fields": form})
    call("POST", "/api/v1/applications/%s/submit" % app["id"],
         {"declarations": ["D1", "D3", "D4", "D5", "D6"]})
    ids.append(app["id"])
cookie = "; ".join("%s=%s" % (c.name, c.value) for c in jar)
with open(out, "w") as f:
    f.write("cookie = %s\ncsrf = %s\nids = {%s}\n" % (
        json.dumps(cookie), json.dumps(csrf), ",".join(json.dumps(i) for i in ids)))
