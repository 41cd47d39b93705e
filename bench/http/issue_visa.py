#!/usr/bin/env python3
"""Issues one digital visa on a fresh `openvap serve --demo` and prints its signed seal.

Walks one short-stay application for France through the whole procedure: an applicant
registers (the verification mail is read from DATA_DIR/mail) and enrols TOTP, fills in the
form, uploads the photo and the passport copy, pays on the sandbox's hosted page, books a
visit at the service provider in Delhi and submits; the provider (API key) checks the passport,
takes the biometrics and marks the file reviewed; the French consular officer (enrolling TOTP
at first sign-in, password from DATA_DIR/demo-accounts.json) accepts it and issues a C visa
valid from today. Prints only the seal as hex, the body's `code` of POST /api/v1/verify:
{"code": "<hex>"} answers status "valid". Exits 1 naming the failed step (status and body).
The demo staff enrol TOTP once, so run it once per fresh data directory.

usage: issue_visa.py BASE_URL DATA_DIR
"""
import datetime, http.cookiejar, json, sys, time
import urllib.error, urllib.request

import openvap_bench

if len(sys.argv) != 3:
    sys.exit(__doc__)
base, data_dir = sys.argv[1].rstrip("/"), sys.argv[2]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):  # the sandbox answers 303: keep it, do not follow
        return None


class User:
    """One user's cookie jar and CSRF token (or API key, for the service provider)."""

    def __init__(self, api_key=None):
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                                  NoRedirect)
        self.csrf, self.api_key = "", api_key

    def call(self, method, path, body=None, raw=None, ctype="application/json", ok=(200, 201)):
        data = raw if raw is not None else json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", ctype)
        if self.csrf:
            req.add_header("X-CSRF-Token", self.csrf)
        if self.api_key:
            req.add_header("Authorization", "Bearer " + self.api_key)
        try:
            with self.opener.open(req) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        except urllib.error.URLError as e:
            sys.exit("issue_visa: %s %s: %s" % (method, path, e.reason))
        if status not in ok:
            sys.exit("issue_visa: %s %s: HTTP %d %s"
                     % (method, path, status, text.decode("utf-8", "replace")))
        if not text.startswith(b"{"):
            return text.decode()
        answer = json.loads(text)
        self.csrf = answer.get("csrf_token", self.csrf)
        return answer


def sign_in(user, email, password):  # VAP-ACCT: password, then TOTP (enrolled at first sign-in)
    grant = user.call("POST", "/api/v1/sessions", {"email": email, "password": password})
    if not grant.get("mfa_enrolment_required"):
        sys.exit("issue_visa: %s has TOTP already: run against a fresh data directory" % email)
    secret = user.call("POST", "/api/v1/me/mfa/totp")["secret"]
    user.call("POST", "/api/v1/me/mfa/totp/confirm", {"code": openvap_bench.totp(secret)})


def mailed_token(email):  # the verification link in DATA_DIR/mail
    token = openvap_bench.mailed_token(data_dir, email)
    if token is None:
        sys.exit("issue_visa: no verification mail for %s in %s/mail" % (email, data_dir))
    return token


def wait_for(what, probe):  # background jobs (the payment webhook) run asynchronously
    for _ in range(200):
        if probe():
            return
        time.sleep(0.1)
    sys.exit("issue_visa: timed out waiting for " + what)


today = datetime.datetime.now(datetime.timezone.utc).date()  # the server's days are UTC days
day = lambda n: (today + datetime.timedelta(days=n)).isoformat()
try:
    staff = {a["role"]: a for a in json.load(open(data_dir + "/demo-accounts.json"))["accounts"]}
except OSError as e:
    sys.exit("issue_visa: %s (DATA_DIR is the --data-dir of `openvap serve --demo`)" % e)

# VAP-ACCT: the French consular officer signs in first (fails fast on a used data directory);
# then an applicant registers, confirms the address and enrols TOTP.
officer = User()
sign_in(officer, staff["consular-officer"]["email"], staff["consular-officer"]["password"])
applicant, email, password = User(), "ana.doe@example.org", "correct horse battery staple"
applicant.call("POST", "/api/v1/accounts", {"email": email, "password": password, "display_name": "Ana Doe"},
               ok=(202,))
applicant.call("POST", "/api/v1/accounts/verify-email", {"token": mailed_token(email)})
sign_in(applicant, email, password)

# VAP-FORM: the Annex I form, for a trip to France in a month (applications are lodged ahead).
app_id = applicant.call("POST", "/api/v1/applications", {"kind": "short-stay-visa"})["id"]
app = "/api/v1/applications/" + app_id
applicant.call("PATCH", app + "/form", {"fields": {
    "1": "DOE", "3": "ANA", "4": "1990-05-01", "5": "Mumbai", "6": "IND", "7": "IND", "8": "Female",
    "9": "Single", "12": "Ordinary passport", "13": "X1234567", "14": "2020-01-01", "15": "2030-01-01",
    "16": "IND", "19": email, "21": "Engineer", "23": ["Tourism"], "25": ["FR"], "26": "FR",
    "27": "single", "27a": day(30), "27b": day(39), "28": "No", "30": "Hotel Lutetia, Paris",
    "32": "by the applicant himself/herself", "residence_time_zone": "Asia/Kolkata",
    "itinerary": [{"state": "FR", "from": day(30), "to": day(39)}]}})

# VAP-DOCS: the photo and the copy of the passport (checked by their content).
applicant.call("POST", app + "/documents?kind=photo&filename=photo.jpg", ctype="image/jpeg",
               raw=b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
applicant.call("POST", app + "/documents?kind=travel-document&filename=passport.pdf", ctype="application/pdf",
               raw=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

# VAP-PAY: the sandbox's hosted page with its test card; the signed webhook comes by a job.
checkout = applicant.call("POST", app + "/payments")["redirect_url"]
User().call("POST", checkout[checkout.index("/sandbox-pay/"):], raw=b"card=4242+4242+4242+4242&action=pay",
            ctype="application/x-www-form-urlencoded", ok=(303,))
wait_for("the payment webhook", lambda: any(
    p.get("status") == "paid" for p in applicant.call("GET", app + "/payments")["payments"]))

# VAP-APPT: the first free slot of the service provider in Delhi; then the submission, whose
# declarations act as the signature (VIS 7b(6)).
slots = applicant.call("GET", "/api/v1/appointments/slots?state=FR&organisation=esp-delhi")["slots"]
if not slots:
    sys.exit("issue_visa: no free slot of esp-delhi")
applicant.call("POST", app + "/appointment", {"slot_id": slots[0]["id"]})
applicant.call("POST", app + "/submit", {"declarations": ["D1", "D3", "D4", "D5", "D6"]})

# VAP-ESP (VIS 7f): at the visit, the provider checks the passport, takes the biometrics
# (VC Art 13) and the documents' quality, and marks the file reviewed: it is notified to France.
esp = User(api_key=staff["service-provider"]["api_key"])
gateway = "/api/v1/esp/applications/" + app_id
esp.call("POST", gateway + "/travel-document-check", {"matches": True})
esp.call("POST", gateway + "/biometrics", {"travel_document_number": "X1234567"})
esp.call("POST", gateway + "/document-quality", {"ok": True})
esp.call("POST", gateway + "/reviewed", {})

# VAP-DEC, DV-REC: the consular officer accepts the file and issues a C visa valid from today
# (so that the seal verifies "valid" now), covering the trip.
consulate = "/api/v1/consulate/applications/" + app_id
officer.call("POST", consulate + "/accept", {})
visa = officer.call("POST", consulate + "/issue", {
    "type": "C", "valid_from": day(0), "valid_until": day(54), "entries": 1, "duration_of_stay_days": 10})

# DV-SEAL: the holder downloads the signed barcode as hex; VAP-VERIFY checks it as anyone would.
code = applicant.call("GET", "/api/v1/visas/%s/seal?as=hex" % visa["visa_number"]).strip()
checked = User().call("POST", "/api/v1/verify", {"code": code})
if checked.get("status") != "valid":
    sys.exit("issue_visa: POST /api/v1/verify answered %s" % json.dumps(checked))
print(code)
