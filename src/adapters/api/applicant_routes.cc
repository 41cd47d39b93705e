// The applicant's routes (VAP-FORM, VAP-DOCS, VAP-COMP, VAP-ADM, VAP-PAY, VAP-APPT, VAP-DEC,
// VAP-VERIFY for the holder): applications, uploads, pre-checks, submission, payment,
// appointments, messages, decisions, and the digital visa as barcode and PDF.
#include <utility>

#include "adapters/api/json_mapping.h"
#include "adapters/api/platform_routes.h"
#include "adapters/api/visa_documents.h"
#include "base/time.h"

namespace openvap::api {
namespace {

using domain::Role;
using nlohmann::json;

std::set<Role> ApplicantSide() { return {Role::kApplicant, Role::kRepresentative}; }

ApplicationId IdOf(CallContext& c) { return ApplicationId(c.request.path_params["id"]); }

http::Response Json(int status, const json& body) { return http::JsonResponse(status, body); }

json MessageJson(const domain::AccountMessage& m) {
  json item = {{"id", m.id},
               {"kind", m.kind},
               {"subject", m.subject},
               {"body", m.body},
               {"created_at", FormatIsoTimestamp(m.created_at)},
               {"read", m.read_at.has_value()}};
  if (m.read_at) item["read_at"] = FormatIsoTimestamp(*m.read_at);
  if (m.application) item["application"] = m.application->value();
  return item;
}

// A visa annulled or revoked (VC Art 34) is no longer handed to its holder as a signed barcode
// or PDF: offline, the signature would still check out. Its record says what became of it.
// Officials and border guards still get the signed data, for the file.
Status CheckHandedToHolder(const domain::DigitalVisa& visa, Role reader) {
  if (visa.status == domain::VisaStatus::kIssued ||
      (reader != Role::kApplicant && reader != Role::kRepresentative)) {
    return Ok();
  }
  const std::string what = visa.status == domain::VisaStatus::kAnnulled
                               ? "annulled (Visa Code Art 34(1))"
                               : "revoked (Visa Code Art 34(2))";
  return Error{"visa-withdrawn",
               "visa " + visa.number.value() + " was " + what +
                   (visa.withdrawn_at ? " on " + FormatIsoDate(UtcDateOf(*visa.withdrawn_at))
                                      : std::string()) +
                   ": its barcode and PDF are no longer issued; the decision is in your "
                   "account's messages"};
}

}  // namespace

void AddApplicantRoutes(Api& api, PlatformServices& s) {
  api.Add({.method = "POST",
           .path = "/api/v1/applications",
           .summary = "Start an application (a draft saved in steps, VIS 7b(4)); "
                      "`from_kept_data` fills in the data the account keeps for later applications",
           .tag = "applications",
           .roles = ApplicantSide(),
           .request_schema = ObjectSchema(
               {{"kind", ApplicationKindSchema()}, {"from_kept_data", {{"type", "boolean"}}}}),
           .success_status = 201,
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(kind, ApplicationKindIn(body));
             OPENVAP_API_TRY(from_kept_data, OptionalBool(body, "from_kept_data"));
             OPENVAP_API_TRY(
                 a, s.applications.CreateDraft(c.principal, kind, from_kept_data.value_or(false)));
             return http::JsonTextResponse(201,
                                           ApplicationJsonText(a, ApplicationReader::kApplicant));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/applications",
           .summary = "The account's applications, newest first, a page at a time",
           .tag = "applications",
           .query = PagingParameters(),
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(page, PageRequestOf(c.request));
             OPENVAP_API_TRY(list, s.applications.ListMine(c.principal, page));
             return http::JsonTextResponse(
                 200, ApplicationListJsonText(list, ApplicationReader::kApplicant));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/applications/{id}",
           .summary = "One application",
           .tag = "applications",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(a, s.applications.Get(c.principal, IdOf(c)));
             return http::JsonTextResponse(200,
                                           ApplicationJsonText(a, ApplicationReader::kApplicant));
           }});

  api.Add(
      {.method = "PATCH",
       .path = "/api/v1/applications/{id}/form",
       .summary = "Save a step of the form: Annex I fields by number (null removes one); "
                  "`version` guards against overwriting another window's changes",
       .tag = "applications",
       .roles = ApplicantSide(),
       .request_schema = ObjectSchema(
           {{"fields", domain::ApplicationFormSchema()}, {"version", {{"type", "integer"}}}},
           {"fields"}),
       .handler = [&s](CallContext& c) {
         OPENVAP_API_TRY(body, ParseJsonObject(c.request));
         if (!body.contains("fields")) {
           return ErrorResponseFor({"invalid-field", "fields: is required"});
         }
         std::optional<std::int64_t> version;
         if (body.contains("version") && !body["version"].is_null()) {
           OPENVAP_API_TRY(v, RequireInteger(body, "version"));
           version = v;
         }
         OPENVAP_API_TRY(a, s.applications.SaveForm(c.principal, IdOf(c), body["fields"], version));
         return http::JsonTextResponse(200, ApplicationJsonText(a, ApplicationReader::kApplicant));
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/applications/{id}/documents",
           .summary = "Upload a file (PDF, JPEG or PNG) as the raw body (VAP-DOCS)",
           .tag = "applications",
           .query = {{"kind",
                      "what the file is",
                      {{"type", "string"},
                       {"enum",
                        {"travel-document", "photo", "supporting-document", "travel-insurance"}}},
                      true},
                     {"filename", "the file's name as the applicant knows it"}},
           .roles = ApplicantSide(),
           .success_status = 201,
           .handler = [&s](CallContext& c) {
             const std::string kind = c.request.query["kind"];
             const std::string filename = c.request.query["filename"];
             OPENVAP_API_TRY(doc, s.applications.AddDocument(c.principal, IdOf(c), kind, filename,
                                                             AsBytes(c.request.body)));
             return Json(201, DocumentJson(doc));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/applications/{id}/documents",
           .summary = "The uploaded files",
           .tag = "applications",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(docs, s.applications.ListDocuments(c.principal, IdOf(c)));
             json out = json::array();
             for (const auto& d : docs) out.push_back(DocumentJson(d));
             return Json(200, {{"documents", out}});
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/applications/{id}/documents/{document}",
           .summary = "An uploaded file",
           .tag = "applications",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(content, s.applications.DocumentContent(
                                          c.principal, IdOf(c), c.request.path_params["document"]));
             http::Response r;
             r.SetHeader("Content-Type", domain::SniffContentType(content));
             r.SetHeader("Content-Disposition", "attachment");
             r.body = AsString(content);
             return r;
           }});

  api.Add({.method = "DELETE",
           .path = "/api/v1/applications/{id}/documents/{document}",
           .summary = "Remove an uploaded file",
           .tag = "applications",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             const Status done = s.applications.RemoveDocument(c.principal, IdOf(c),
                                                               c.request.path_params["document"]);
             if (!done.ok()) return ErrorResponseFor(done.error());
             return Json(200, {{"status", "removed"}});
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/applications/{id}/prechecks",
           .summary = "Run the automated competence and admissibility pre-checks on the data "
                      "entered so far (VIS 7d(1), 7d(7))",
           .tag = "applications",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(p, s.applications.PreCheck(c.principal, IdOf(c)));
             return http::JsonTextResponse(200, PreCheckJsonText(p));
           }});

  api.Add(
      {.method = "POST",
       .path = "/api/v1/applications/{id}/submit",
       .summary = "Submit with the declarations ticked (they act as the signature); the "
                  "IP address is recorded (VIS 7b(6)); the pre-check results come back",
       .tag = "applications",
       .roles = ApplicantSide(),
       .request_schema =
           ObjectSchema({{"declarations", {{"type", "array"}, {"items", {{"type", "string"}}}}}},
                        {"declarations"}),
       .handler = [&s](CallContext& c) {
         OPENVAP_API_TRY(body, ParseJsonObject(c.request));
         std::vector<std::string> declarations;
         if (!body.contains("declarations") || !body["declarations"].is_array()) {
           return ErrorResponseFor({"invalid-field", "declarations: a list such as [\"D1\"]"});
         }
         for (const auto& d : body["declarations"]) {
           if (!d.is_string()) {
             return ErrorResponseFor({"invalid-field", "declarations: strings only"});
           }
           declarations.push_back(d.get<std::string>());
         }
         OPENVAP_API_TRY(a, s.applications.Submit(c.principal, IdOf(c), declarations,
                                                  c.request.remote_address));
         return http::JsonTextResponse(200, ApplicationJsonText(a, ApplicationReader::kApplicant));
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/applications/{id}/withdraw",
           .summary = "Withdraw the application",
           .tag = "applications",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             const Status done = s.applications.Withdraw(c.principal, IdOf(c));
             if (!done.ok()) return ErrorResponseFor(done.error());
             return Json(200, {{"status", "withdrawn"}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/applications/{id}/payments",
           .summary = "Pay the visa fee: returns the payment provider's page to go to "
                      "(VAP-PAY); no card data reach the platform",
           .tag = "payments",
           .roles = ApplicantSide(),
           .success_status = 201,
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(p, s.payments.Start(c.principal, IdOf(c)));
             return Json(201, PaymentJson(p));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/applications/{id}/payments",
           .summary = "Payments of the application",
           .tag = "payments",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(list, s.payments.List(c.principal, IdOf(c)));
             json out = json::array();
             for (const auto& p : list) out.push_back(PaymentJson(p));
             return Json(200, {{"payments", out}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/payments/webhooks/{provider}",
           .summary = "Notifications of the payment provider, authenticated by their signature "
                      "(X-Signature); idempotent",
           .tag = "payments",
           .auth = AuthScheme::kNone,
           .handler = [&s](CallContext& c) {
             const Status done =
                 s.payments.HandleWebhook(c.request.path_params["provider"],
                                          c.request.Header("x-signature"), c.request.body);
             if (!done.ok()) return ErrorResponseFor(done.error());
             return Json(200, {{"status", "received"}});
           }});

  api.Add(
      {.method = "GET",
       .path = "/api/v1/appointments/slots",
       .summary = "Free appointment slots of a state, the earliest 500 in the period (VAP-APPT)",
       .tag = "appointments",
       .query = {{"state", "the Member State, ISO 3166-1 alpha-2", {{"type", "string"}}, true},
                 {"organisation", "a consulate or service provider (optional)"},
                 {"from", "ISO 8601 instant; now when absent", StringSchema(nullptr, "date-time")},
                 {"to", "ISO 8601 instant; 60 days after now when absent",
                  StringSchema(nullptr, "date-time")}},
       .auth = AuthScheme::kNone,
       .handler = [&s](CallContext& c) {
         const Timestamp now = s.clock.Now();
         Timestamp from = now;
         Timestamp to = now + std::chrono::hours(24 * 60);
         if (!c.request.query["from"].empty()) {
           OPENVAP_API_TRY(f, ParseIsoTimestamp(c.request.query["from"]));
           from = f;
         }
         if (!c.request.query["to"].empty()) {
           OPENVAP_API_TRY(t, ParseIsoTimestamp(c.request.query["to"]));
           to = t;
         }
         OPENVAP_API_TRY(slots, s.appointments.Free(c.request.query["state"],
                                                    c.request.query["organisation"], from, to));
         json out = json::array();
         for (const auto& slot : slots) out.push_back(SlotJson(slot));
         return Json(200, {{"slots", out}});
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/applications/{id}/appointment",
           .summary = "Book a visit (one application per slot, never double-booked)",
           .tag = "appointments",
           .roles = ApplicantSide(),
           .request_schema = ObjectSchema({{"slot_id", StringSchema()}}, {"slot_id"}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(slot_id, RequireString(body, "slot_id"));
             OPENVAP_API_TRY(slot, s.appointments.Book(c.principal, IdOf(c), slot_id));
             return Json(200, SlotJson(slot));
           }});

  api.Add({.method = "DELETE",
           .path = "/api/v1/applications/{id}/appointment",
           .summary = "Cancel the booked visit",
           .tag = "appointments",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             const Status done = s.appointments.Cancel(c.principal, IdOf(c));
             if (!done.ok()) return ErrorResponseFor(done.error());
             return Json(200, {{"status", "cancelled"}});
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/applications/{id}/decisions",
           .summary = "Decisions on the application; the first reading counts as access to the "
                      "decision (VC Art 32(2))",
           .tag = "decisions",
           .roles = ApplicantSide(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(list, s.examination.DecisionsFor(c.principal, IdOf(c)));
             json out = json::array();
             for (const auto& d : list) out.push_back(DecisionJson(d));
             return Json(200, {{"decisions", out}});
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/me/messages",
           .summary = "Messages in the secure account (VIS 7g), newest first, a page at a time",
           .tag = "accounts",
           .query = PagingParameters(),
           .roles = {},
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(page, PageRequestOf(c.request));
             domain::Page<domain::AccountMessage> list;
             const Status read = s.store.Read([&](domain::UnitOfWork& uow) -> Status {
               OPENVAP_ASSIGN_OR_RETURN(list, uow.Messages().ListFor(*c.principal.account, page));
               return Ok();
             });
             if (!read.ok()) return ErrorResponseFor(read.error());
             json out = json::array();
             for (const auto& m : list.items) out.push_back(MessageJson(m));
             return Json(200, {{"messages", out}, {"next", NextCursor(list)}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/me/messages/{id}/read",
           .summary = "Mark a message of the account read (the first time counts)",
           .tag = "accounts",
           .roles = {},
           .handler = [&s](CallContext& c) {
             std::optional<domain::AccountMessage> message;
             const Status marked = s.store.Write([&](domain::UnitOfWork& uow) -> Status {
               OPENVAP_ASSIGN_OR_RETURN(
                   message, uow.Messages().MarkRead(*c.principal.account,
                                                    c.request.path_params["id"], s.clock.Now()));
               return Ok();
             });
             if (!marked.ok()) return ErrorResponseFor(marked.error());
             return Json(200, MessageJson(*message));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/visas/{number}",
           .summary = "A digital visa: its holder, officials and border guards (DV-REC, "
                      "VIS 7h(1))",
           .tag = "visas",
           .roles = {Role::kApplicant, Role::kRepresentative, Role::kConsularOfficer,
                     Role::kCentralAuthority, Role::kBorderGuard},
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(
                 visa, s.examination.GetVisa(c.principal,
                                             VisaNumberFromText(c.request.path_params["number"])));
             json out = domain::VisaDisclosure(visa, c.principal.role);
             out["validity_today"] =
                 domain::VisaValidityName(domain::ValidityOn(visa, UtcDateOf(s.clock.Now())));
             return Json(200, out);
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/visas/{number}/seal",
           .summary = "The visa's signed 2D barcode (DV-SEAL)",
           .tag = "visas",
           .query = SealParameters(),
           .roles = {Role::kApplicant, Role::kRepresentative, Role::kConsularOfficer,
                     Role::kCentralAuthority, Role::kBorderGuard},
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(
                 visa, s.examination.GetVisa(c.principal,
                                             VisaNumberFromText(c.request.path_params["number"])));
             if (const Status handed = CheckHandedToHolder(visa, c.principal.role); !handed.ok()) {
               return ErrorResponseFor(handed.error());
             }
             return SealResponse(visa.seal, c.request.query["as"], c.request.query["symbology"]);
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/visas/{number}/pdf",
           .summary = "The visa notification as a printable PDF with the signed barcode "
                      "(DV-SEAL; a paper path, RP-INCL)",
           .tag = "visas",
           .roles = {Role::kApplicant, Role::kRepresentative, Role::kConsularOfficer,
                     Role::kCentralAuthority},
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(
                 visa, s.examination.GetVisa(c.principal,
                                             VisaNumberFromText(c.request.path_params["number"])));
             if (const Status handed = CheckHandedToHolder(visa, c.principal.role); !handed.ok()) {
               return ErrorResponseFor(handed.error());
             }
             OPENVAP_API_TRY(pdf, VisaNotificationPdf(visa, s.base_url, s.clock.Now()));
             http::Response r;
             r.SetHeader("Content-Type", "application/pdf");
             r.SetHeader("Content-Disposition",
                         "attachment; filename=\"visa-" + visa.number.value() + ".pdf\"");
             r.body = AsString(pdf);
             return r;
           }});
}

}  // namespace openvap::api
