// The external service provider gateway (VAP-ESP, VIS Art 7f): its own authentication scheme
// (per-staff API keys), only the Art 7f actions, never the register. And verification
// (VAP-VERIFY, DV-CHECK, RP-CHECK, RP-MIN): by scanned code, by number for officials, by number
// and date of birth for employers and universities.
#include <functional>
#include <set>
#include <utility>

#include "adapters/api/json_mapping.h"
#include "adapters/api/platform_routes.h"
#include "adapters/barcode/barcode.h"
#include "base/time.h"

namespace openvap::api {
namespace {

using domain::Role;
using nlohmann::json;

ApplicationId IdOf(CallContext& c) { return ApplicationId(c.request.path_params["id"]); }

http::Response Done(const Status& s, const char* status) {
  if (!s.ok()) return ErrorResponseFor(s.error());
  return http::JsonResponse(200, {{"status", status}});
}

// Where the applicant's visit in person is received (VC Arts 12(4)-(6), 13): the provider's
// gateway, with its own authentication scheme, or the consulate whose slot was booked.
struct VisitDesk {
  std::string collection;  // the list; each application is collection + "/{id}"
  std::string tag;
  AuthScheme auth;
  std::set<Role> roles;
  bool requires_mfa;
  // The view of an application at the desk: a provider never sees the pre-check results,
  // which are the consulate's business.
  std::function<json(const domain::Application&)> view;
};

Route DeskRoute(const VisitDesk& desk, std::string method, const std::string& tail,
                std::string summary, ApiHandler h, json schema = nullptr) {
  return Route{.method = std::move(method),
               .path = desk.collection + tail,
               .summary = std::move(summary),
               .tag = desk.tag,
               .auth = desk.auth,
               .roles = desk.roles,
               .requires_mfa = desk.requires_mfa,
               .request_schema = std::move(schema),
               .handler = std::move(h)};
}

void AddVisitRoutes(Api& api, PlatformServices& s, const VisitDesk& desk) {
  Route work_list = DeskRoute(
      desk, "GET", "", "Applications with a visit booked here (VIS 7f(1), 7e(2))",
      [&s, view = desk.view](CallContext& c) {
        OPENVAP_API_TRY(page, PageRequestOf(c.request));
        OPENVAP_API_TRY(list, s.visits.WorkList(c.principal, page));
        json out = json::array();
        for (const auto& a : list.items) out.push_back(view(a));
        return http::JsonResponse(200, {{"applications", out}, {"next", NextCursor(list)}});
      });
  work_list.query = PagingParameters();
  api.Add(std::move(work_list));
  api.Add(DeskRoute(desk, "GET", "/{id}", "Retrieve and review an application",
                    [&s, view = desk.view](CallContext& c) {
                      OPENVAP_API_TRY(a, s.visits.Retrieve(c.principal, IdOf(c)));
                      return http::JsonResponse(200, view(a));
                    }));
  api.Add(DeskRoute(
      desk, "GET", "/{id}/documents",
      "The uploaded files (travel document copy, supporting documents, insurance), to compare "
      "with what the applicant presents (VIS 7f(1), VC Art 12(4))",
      [&s](CallContext& c) {
        OPENVAP_API_TRY(list, s.applications.ListDocuments(c.principal, IdOf(c)));
        json out = json::array();
        for (const auto& d : list) out.push_back(DocumentJson(d));
        return http::JsonResponse(200, {{"documents", out}});
      }));
  api.Add(DeskRoute(
      desk, "GET", "/{id}/documents/{document}",
      "An uploaded file, to compare with the documents presented", [&s](CallContext& c) {
        OPENVAP_API_TRY(content, s.applications.DocumentContent(c.principal, IdOf(c),
                                                                c.request.path_params["document"]));
        http::Response r;
        r.SetHeader("Content-Type", domain::SniffContentType(content));
        r.body = AsString(content);
        return r;
      }));
  api.Add(DeskRoute(
      desk, "POST", "/{id}/travel-document-check",
      "The presented travel document matches the uploaded copy, or not (VC Art 12(4)-(5))",
      [&s](CallContext& c) {
        OPENVAP_API_TRY(body, ParseJsonObject(c.request));
        OPENVAP_API_TRY(matches, RequireBool(body, "matches"));
        OPENVAP_API_TRY(notes, OptionalString(body, "notes"));
        return Done(
            s.visits.VerifyTravelDocument(c.principal, IdOf(c), matches, notes.value_or("")),
            "recorded");
      },
      ObjectSchema({{"matches", {{"type", "boolean"}}}, {"notes", StringSchema()}}, {"matches"})));
  api.Add(DeskRoute(
      desk, "POST", "/{id}/chip-data", "Data read from the travel document's chip (VC Art 12(6))",
      [&s](CallContext& c) {
        OPENVAP_API_TRY(body, ParseJsonObject(c.request));
        if (!body.contains("chip")) return ErrorResponseFor({"invalid-field", "chip: required"});
        return Done(s.visits.RecordChipData(c.principal, IdOf(c), body["chip"]), "recorded");
      },
      ObjectSchema({{"chip", {{"type", "object"}}}}, {"chip"})));
  api.Add(DeskRoute(
      desk, "POST", "/{id}/biometrics",
      "Biometric identifiers collected today with the application's travel document (VC Art 13)",
      [&s](CallContext& c) {
        OPENVAP_API_TRY(body, ParseJsonObject(c.request));
        OPENVAP_API_TRY(number, RequireString(body, "travel_document_number"));
        return Done(s.visits.RecordBiometrics(c.principal, IdOf(c), number), "recorded");
      },
      ObjectSchema({{"travel_document_number", StringSchema()}}, {"travel_document_number"})));
  api.Add(DeskRoute(
      desk, "POST", "/{id}/document-quality", "Quality check of the supporting documents",
      [&s](CallContext& c) {
        OPENVAP_API_TRY(body, ParseJsonObject(c.request));
        OPENVAP_API_TRY(ok, RequireBool(body, "ok"));
        OPENVAP_API_TRY(notes, OptionalString(body, "notes"));
        return Done(s.visits.RecordDocumentQuality(c.principal, IdOf(c), ok, notes.value_or("")),
                    "recorded");
      },
      ObjectSchema({{"ok", {{"type", "boolean"}}}, {"notes", StringSchema()}}, {"ok"})));
  api.Add(DeskRoute(desk, "POST", "/{id}/reviewed",
                    "Mark the application as reviewed at the visit (VIS 7f(1))",
                    [&s](CallContext& c) {
                      return Done(s.visits.MarkReviewed(c.principal, IdOf(c)), "reviewed");
                    }));
  api.Add(DeskRoute(
      desk, "POST", "/{id}/doubts", "Raise a doubt to the consulate (VC Art 12(5))",
      [&s](CallContext& c) {
        OPENVAP_API_TRY(body, ParseJsonObject(c.request));
        OPENVAP_API_TRY(doubt, RequireString(body, "doubt"));
        return Done(s.visits.RaiseDoubt(c.principal, IdOf(c), doubt), "raised");
      },
      ObjectSchema({{"doubt", StringSchema()}}, {"doubt"})));
  api.Add(DeskRoute(
      desk, "POST", "/{id}/payment-in-person", "Record the fee paid here (VAP-PAY fallback)",
      [&s](CallContext& c) { return RecordPaymentInPerson(s, c); },
      ObjectSchema({{"receipt", StringSchema()}}, {"receipt"})));
}

// What a photo sent to POST /verify may cost: a phone camera's 16 Mpx and two seconds of the
// fallback reader (the CLI takes 64 Mpx and six seconds); each request holds a handler thread.
constexpr barcode::ScanOptions kVerifyScan{.libdmtx_timeout_ms = 2000,
                                           .max_pixels = 16LL * 1024 * 1024};

// The scanned code from the request: JSON {"code": hex or RDB1 text} or {"image": base64},
// or a raw body (image/png, image/jpeg, application/octet-stream). `allow_scan` is asked before
// an image is scanned.
Result<Bytes> CodeFromRequest(const http::Request& r, const std::function<Status()>& allow_scan) {
  const std::string_view type = r.Header("content-type");
  const std::string_view base = type.substr(0, type.find(';'));
  Bytes image;
  if (base == "application/json") {
    OPENVAP_ASSIGN_OR_RETURN(const json body, ParseJsonObject(r));
    OPENVAP_ASSIGN_OR_RETURN(const auto code, OptionalString(body, "code"));
    OPENVAP_ASSIGN_OR_RETURN(const auto b64, OptionalString(body, "image"));
    if (code && b64) {
      return Error{"invalid-field", "code or image: send one of them, not both"};
    }
    if (code) {
      std::string text = *code;
      text.erase(0, text.find_first_not_of(" \t\r\n"));
      text.erase(text.find_last_not_of(" \t\r\n") + 1);
      if (text.rfind("RDB1", 0) == 0) return Bytes(text.begin(), text.end());
      auto hex = FromHex(text);
      if (!hex.ok()) {
        return Error{"invalid-field", "code: hexadecimal bytes of the seal or RDB1 text"};
      }
      return *hex;
    }
    if (!b64) return Error{"invalid-field", "code or image: send one of them"};
    auto decoded = FromBase64(*b64);
    if (!decoded.ok()) return Error{"invalid-field", "image: " + decoded.error().message};
    image = std::move(*decoded);
  } else if (base == "image/png" || base == "image/jpeg") {
    image = Bytes(r.body.begin(), r.body.end());
  } else if (base == "application/octet-stream") {
    return Bytes(r.body.begin(), r.body.end());
  } else {
    return Error{"unsupported-media-type",
                 "send JSON {\"code\"} or {\"image\"}, an image/png or image/jpeg, or "
                 "application/octet-stream"};
  }
  OPENVAP_RETURN_IF_ERROR(allow_scan());
  auto scanned = barcode::ScanImageFile(image, kVerifyScan);
  if (!scanned.ok()) {
    if (scanned.error().code == "image-too-large") return scanned.error();
    return Error{"invalid-field",
                 "image: no readable code found (" + scanned.error().message + ")"};
  }
  return scanned->payload;
}

}  // namespace

http::Response RecordPaymentInPerson(PlatformServices& s, CallContext& c) {
  OPENVAP_API_TRY(body, ParseJsonObject(c.request));
  OPENVAP_API_TRY(receipt, RequireString(body, "receipt"));
  OPENVAP_API_TRY(p, s.payments.RecordPaidInPerson(c.principal, IdOf(c), receipt));
  return http::JsonResponse(200, PaymentJson(p));
}

void AddServiceProviderRoutes(Api& api, PlatformServices& s) {
  const VisitDesk gateway{.collection = "/api/v1/esp/applications",
                          .tag = "service-provider-gateway",
                          .auth = AuthScheme::kServiceProviderKey,
                          .roles = {Role::kServiceProvider},
                          .requires_mfa = false,
                          .view = [](const domain::Application& a) {
                            json out = ApplicationJson(a);
                            out.erase("prechecks");
                            return out;
                          }};
  AddVisitRoutes(api, s, gateway);
  api.Add(Route{.method = "POST",
                .path = "/api/v1/esp/slots",
                .summary = "Publish appointment slots (VIS 7e(2))",
                .tag = gateway.tag,
                .auth = gateway.auth,
                .roles = gateway.roles,
                .requires_mfa = false,
                .request_schema = SlotOffersSchema(),
                .handler = [&s](CallContext& c) { return PublishSlots(s, c); }});
}

void AddConsulateVisitRoutes(Api& api, PlatformServices& s) {
  AddVisitRoutes(
      api, s,
      VisitDesk{.collection = "/api/v1/consulate/visits",
                .tag = "consulate",
                .auth = AuthScheme::kSession,
                .roles = {Role::kConsularOfficer, Role::kCentralAuthority},
                .requires_mfa = true,
                .view = [](const domain::Application& a) { return ApplicationJson(a); }});
}

void AddVerificationRoutes(Api& api, PlatformServices& s) {
  api.Add({.method = "POST",
           .path = "/api/v1/verify",
           .summary = "Verify a scanned code: JSON {code: hex or RDB1 text} or {image: base64}, "
                      "or the raw image. Status: valid, invalid, not-yet-valid, expired, "
                      "revoked, unknown-signer; the fields the caller's role may see (RP-MIN)",
           .tag = "verification",
           .auth = AuthScheme::kNone,
           .request_schema = ObjectSchema({{"code", StringSchema("hex or RDB1 text")},
                                           {"image", StringSchema("base64 PNG or JPEG")}}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(code, CodeFromRequest(c.request, [&] {
                               return s.verification.AllowImageScan(c.principal,
                                                                    c.request.remote_address);
                             }));
             OPENVAP_API_TRY(v, s.verification.VerifyCode(c.principal, code));
             return http::JsonResponse(200, VerificationJson(v));
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/verify/lookup",
           .summary = "For employers, universities and local authorities: a visa by its number "
                      "and the holder's date of birth (VIS 7h(3)); rate-limited",
           .tag = "verification",
           .auth = AuthScheme::kNone,
           .request_schema = ObjectSchema(
               {{"visa_number", StringSchema()}, {"date_of_birth", StringSchema(nullptr, "date")}},
               {"visa_number", "date_of_birth"}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(number, RequireString(body, "visa_number"));
             OPENVAP_API_TRY(dob_text, RequireString(body, "date_of_birth"));
             auto dob = ParseIsoDate(dob_text);
             if (!dob.ok()) {
               return ErrorResponseFor({"invalid-field", "date_of_birth: YYYY-MM-DD"});
             }
             OPENVAP_API_TRY(v, s.verification.LookupForThirdParty(VisaNumberFromText(number), *dob,
                                                                   c.request.remote_address));
             return http::JsonResponse(200, VerificationJson(v));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/border/visas/{number}",
           .summary = "Border and in-territory check by visa number (DV-CHECK, VIS Art 19(1))",
           .tag = "verification",
           .roles = {Role::kBorderGuard, Role::kConsularOfficer, Role::kCentralAuthority},
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(v,
                             s.verification.CheckByNumber(
                                 c.principal, VisaNumberFromText(c.request.path_params["number"])));
             return http::JsonResponse(200, VerificationJson(v));
           }});
}

}  // namespace openvap::api
