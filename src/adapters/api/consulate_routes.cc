// The consulate's and central authority's routes (VIS 7d(9)-(11), 7g; VC Arts 18-19, 24-34,
// 32a, 33, 28): the queue with pre-check results, competence, admissibility, decisions,
// decisions on issued visas, sticker replacement, slots, lodging on a person's behalf.
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "adapters/api/consulate_requests.h"
#include "adapters/api/json_mapping.h"
#include "adapters/api/platform_routes.h"
#include "base/time.h"

namespace openvap::api {
namespace {

using domain::Role;
using nlohmann::json;

std::set<Role> Officials() { return {Role::kConsularOfficer, Role::kCentralAuthority}; }

ApplicationId IdOf(CallContext& c) { return ApplicationId(c.request.path_params["id"]); }
VisaNumber NumberOf(CallContext& c) { return VisaNumberFromText(c.request.path_params["number"]); }

Result<Date> RequireDate(const json& body, const std::string& field, const std::string& path) {
  OPENVAP_ASSIGN_OR_RETURN(const std::string text, RequireString(body, field, path));
  auto date = ParseIsoDate(text);
  if (!date.ok()) {
    return Error{"invalid-field",
                 (path.empty() ? field : path + "." + field) + ": not a date (YYYY-MM-DD)"};
  }
  return *date;
}

// The members of a holder or a new travel document (VisaHolder).
constexpr std::array<const char*, 9> kHolderMembers = {"surname",
                                                       "given_names",
                                                       "sex",
                                                       "nationality",
                                                       "date_of_birth",
                                                       "travel_document_type",
                                                       "travel_document_number",
                                                       "travel_document_issuing_country",
                                                       "travel_document_expires_on"};

json HolderSchema() {
  json properties = json::object();
  for (const char* m : kHolderMembers) properties[m] = StringSchema();
  for (const char* date : {"date_of_birth", "travel_document_expires_on"}) {
    properties[date] = StringSchema(nullptr, "date");
  }
  return {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
}

json TermsSchema() {
  return ObjectSchema(
      {{"type", {{"type", "string"}, {"enum", {"A", "C", "LTV", "D"}}}},
       {"valid_from", StringSchema(nullptr, "date")},
       {"valid_until", StringSchema(nullptr, "date")},
       {"entries",
        {{"oneOf",
          {{{"type", "integer"}, {"minimum", 1}, {"maximum", 2}}, {{"const", "multiple"}}}}}},
       {"duration_of_stay_days", {{"type", "integer"}}},
       {"territory", {{"type", "array"}, {"items", {{"type", "string"}}}}},
       {"remarks", StringSchema()}},
      {"type", "valid_from", "valid_until", "entries", "duration_of_stay_days"});
}

json ActSchema() {
  return ObjectSchema({{"grounds", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
                       {"remarks", StringSchema()}});
}

// The member naming the holder's own application for an extension or a confirmation.
constexpr const char* kRequestDescription =
    "the holder's visa-extension or visa-confirmation application this decision answers, "
    "when lodged through the platform; it is closed with the decision";

// ActSchema with the `application` a refused confirmation may answer.
json ActAnsweringARequestSchema() {
  json schema = ActSchema();
  schema["properties"]["application"] = StringSchema(kRequestDescription);
  return schema;
}

// `application` of an extension or confirmation, if given.
Result<std::optional<ApplicationId>> RequestOf(const json& body) {
  OPENVAP_ASSIGN_OR_RETURN(const auto id, OptionalString(body, "application"));
  if (!id) return std::optional<ApplicationId>();
  return std::optional<ApplicationId>(ApplicationId(*id));
}

http::Response Ok200(const json& body) { return http::JsonResponse(200, body); }

http::Response FromStatus(const Status& s, const char* done) {
  if (!s.ok()) return ErrorResponseFor(s.error());
  return Ok200({{"status", done}});
}

}  // namespace

Result<domain::VisaHolder> ParseHolder(const json& body, const std::string& path) {
  domain::VisaHolder h;
  if (!body.is_object()) return Error{"invalid-field", path + ": an object"};
  // A member of another name would be ignored, and the request judged on what is left
  // (a confirmation then said the new document was "not of the same type").
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& member = it.key();
    if (std::find_if(kHolderMembers.begin(), kHolderMembers.end(),
                     [&member](const char* m) { return member == m; }) == kHolderMembers.end()) {
      std::string message = path;
      message.append(".").append(member).append(": not a member; the members are ");
      for (std::size_t i = 0; i < kHolderMembers.size(); ++i) {
        message.append(i == 0 ? "" : ", ").append(kHolderMembers[i]);
      }
      return Error{"invalid-field", message};
    }
  }
  const auto text = [&](const char* field) -> Result<std::string> {
    OPENVAP_ASSIGN_OR_RETURN(const auto v, OptionalString(body, field, path));
    return v.value_or("");
  };
  OPENVAP_ASSIGN_OR_RETURN(h.surname, text("surname"));
  OPENVAP_ASSIGN_OR_RETURN(h.given_names, text("given_names"));
  OPENVAP_ASSIGN_OR_RETURN(h.sex, text("sex"));
  OPENVAP_ASSIGN_OR_RETURN(h.nationality, text("nationality"));
  OPENVAP_ASSIGN_OR_RETURN(h.travel_document_type, text("travel_document_type"));
  OPENVAP_ASSIGN_OR_RETURN(h.travel_document_number, text("travel_document_number"));
  OPENVAP_ASSIGN_OR_RETURN(h.travel_document_issuing_country,
                           text("travel_document_issuing_country"));
  const auto given = [&body](const char* field) {  // absent, null and "" are not given
    const auto it = body.find(field);
    return it != body.end() && !it->is_null() &&
           !(it->is_string() && it->get_ref<const std::string&>().empty());
  };
  if (given("date_of_birth")) {
    OPENVAP_ASSIGN_OR_RETURN(h.date_of_birth, RequireDate(body, "date_of_birth", path));
  }
  if (given("travel_document_expires_on")) {
    OPENVAP_ASSIGN_OR_RETURN(h.travel_document_expires_on,
                             RequireDate(body, "travel_document_expires_on", path));
  }
  return h;
}

Result<domain::VisaTerms> ParseTerms(const json& body) {
  domain::VisaTerms t;
  OPENVAP_ASSIGN_OR_RETURN(const std::string type, RequireString(body, "type"));
  OPENVAP_ASSIGN_OR_RETURN(t.type, domain::ParseVisaTypeCode(type));
  OPENVAP_ASSIGN_OR_RETURN(t.valid_from, RequireDate(body, "valid_from", ""));
  OPENVAP_ASSIGN_OR_RETURN(t.valid_until, RequireDate(body, "valid_until", ""));
  const auto entries = body.find("entries");
  if (entries == body.end()) return Error{"invalid-field", "entries: 1, 2 or \"multiple\""};
  if (entries->is_string() && *entries == "multiple") {
    t.entries = 0;
  } else if (entries->is_number_integer() && entries->get<std::int64_t>() >= 1 &&
             entries->get<std::int64_t>() <= 2) {  // 0 is "multiple" inside, not in the API
    t.entries = entries->get<int>();
  } else {
    return Error{"invalid-field", "entries: 1, 2 or \"multiple\""};
  }
  OPENVAP_ASSIGN_OR_RETURN(t.duration_of_stay_days,
                           RequireSmallInteger(body, "duration_of_stay_days", 0, 366));
  if (body.contains("territory")) {
    if (!body["territory"].is_array()) return Error{"invalid-field", "territory: a list"};
    for (const auto& s : body["territory"]) {
      if (!s.is_string()) return Error{"invalid-field", "territory: alpha-2 codes"};
      t.territory.push_back(s.get<std::string>());
    }
  }
  OPENVAP_ASSIGN_OR_RETURN(const auto remarks, OptionalString(body, "remarks"));
  t.remarks = remarks.value_or("");
  return t;
}

Result<domain::OfficialAct> ParseAct(const json& body) {
  domain::OfficialAct act;
  if (body.contains("grounds")) {
    if (!body["grounds"].is_array()) return Error{"invalid-field", "grounds: a list of numbers"};
    // Each ground once, as a number of the form (a number was cut to 32 bits before: 2^32 + 1
    // was recorded as ground 1).
    for (const auto& g : body["grounds"]) {
      const bool small =
          g.is_number_integer() && g.get<std::int64_t>() >= 1 && g.get<std::int64_t>() <= 99;
      if (!small) {
        return Error{"invalid-field",
                     "grounds: " + g.dump() + " is not a ground of the Annex VI form"};
      }
      const int ground = g.get<int>();
      if (std::find(act.grounds.begin(), act.grounds.end(), ground) != act.grounds.end()) {
        return Error{"invalid-field", "grounds: " + std::to_string(ground) + " is given twice"};
      }
      act.grounds.push_back(ground);
    }
  }
  OPENVAP_ASSIGN_OR_RETURN(const auto remarks, OptionalString(body, "remarks"));
  act.remarks = remarks.value_or("");
  constexpr std::size_t kMaxRemarks = 2000;  // the decision's text carries them, twice
  if (act.remarks.size() > kMaxRemarks) {
    return Error{"invalid-field",
                 "remarks: at most " + std::to_string(kMaxRemarks) + " characters"};
  }
  return act;
}

std::vector<QueryParameter> QueueParameters() {
  std::vector<QueryParameter> out = {
      {"status",
       "notified (the default: competence and admissibility to confirm) or accepted (under "
       "examination)",
       {{"type", "string"}, {"enum", {"notified", "accepted"}}}}};
  for (QueryParameter& p : PagingParameters()) out.push_back(std::move(p));
  return out;
}

void AddConsulateRoutes(Api& api, PlatformServices& s) {
  api.Add({.method = "GET",
           .path = "/api/v1/consulate/applications",
           .summary = "The queue: applications notified to the official's state with both "
                      "pre-check results (VIS 7d(8)), oldest submission first, a page at a time",
           .tag = "consulate",
           .query = QueueParameters(),
           .roles = Officials(),
           .handler = [&s](CallContext& c) {
             const std::string name =
                 c.request.query["status"].empty() ? "notified" : c.request.query["status"];
             OPENVAP_API_TRY(status, domain::ParseApplicationStatus(name));
             OPENVAP_API_TRY(page, PageRequestOf(c.request));
             OPENVAP_API_TRY(list, s.examination.Queue(c.principal, status, page));
             return http::JsonTextResponse(
                 200, ApplicationListJsonText(list, ApplicationReader::kOfficial));
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications",
           .summary = "Lodge an application on a person's behalf (humanitarian reasons, force "
                      "majeure, accessibility; VAP-HUM)",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ObjectSchema({{"kind", ApplicationKindSchema()},
                                           {"contact_email", StringSchema(nullptr, "email")},
                                           {"reason", StringSchema()}},
                                          {"reason"}),
           .success_status = 201,
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(kind, ApplicationKindIn(body));
             OPENVAP_API_TRY(email, OptionalString(body, "contact_email"));
             OPENVAP_API_TRY(reason, RequireString(body, "reason"));
             OPENVAP_API_TRY(
                 a, s.applications.CreateOnBehalf(c.principal, kind, email.value_or(""), reason));
             return http::JsonTextResponse(201,
                                           ApplicationJsonText(a, ApplicationReader::kOfficial));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/consulate/applications/{id}",
           .summary = "An application notified to the official's state (reads are audited)",
           .tag = "consulate",
           .roles = Officials(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(a, s.applications.Get(c.principal, IdOf(c)));
             return http::JsonTextResponse(200,
                                           ApplicationJsonText(a, ApplicationReader::kOfficial));
           }});

  api.Add({.method = "PATCH",
           .path = "/api/v1/consulate/applications/{id}/form",
           .summary = "Fill in the form of an application lodged on a person's behalf",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ObjectSchema({{"fields", {{"type", "object"}}}}, {"fields"}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             if (!body.contains("fields")) {
               return ErrorResponseFor({"invalid-field", "fields: is required"});
             }
             OPENVAP_API_TRY(
                 a, s.applications.SaveForm(c.principal, IdOf(c), body["fields"], std::nullopt));
             return http::JsonTextResponse(200,
                                           ApplicationJsonText(a, ApplicationReader::kOfficial));
           }});

  api.Add(
      {.method = "POST",
       .path = "/api/v1/consulate/applications/{id}/submit",
       .summary = "Submit an application lodged on a person's behalf (VC Art 19(4))",
       .tag = "consulate",
       .roles = Officials(),
       .request_schema =
           ObjectSchema({{"declarations", {{"type", "array"}, {"items", {{"type", "string"}}}}}},
                        {"declarations"}),
       .handler = [&s](CallContext& c) {
         OPENVAP_API_TRY(body, ParseJsonObject(c.request));
         std::vector<std::string> declarations;
         if (body.contains("declarations") && body["declarations"].is_array()) {
           for (const auto& d : body["declarations"]) {
             if (d.is_string()) declarations.push_back(d.get<std::string>());
           }
         }
         OPENVAP_API_TRY(a, s.applications.Submit(c.principal, IdOf(c), declarations,
                                                  c.request.remote_address));
         return http::JsonTextResponse(200, ApplicationJsonText(a, ApplicationReader::kOfficial));
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications/{id}/accept",
           .summary = "Confirm competence and admissibility; the file goes to the national "
                      "system and leaves temporary storage (VIS 7d(9)-(10))",
           .tag = "consulate",
           .roles = Officials(),
           .handler = [&s](CallContext& c) {
             return FromStatus(s.examination.Accept(c.principal, IdOf(c)), "accepted");
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications/{id}/decline-competence",
           .summary = "Not competent (VIS 7d(11), VC Art 18(4))",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ObjectSchema(
               {{"competent_state", StringSchema("ISO alpha-2")}, {"remarks", StringSchema()}}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(state, OptionalString(body, "competent_state"));
             OPENVAP_API_TRY(remarks, OptionalString(body, "remarks"));
             return FromStatus(s.examination.DeclineCompetence(
                                   c.principal, IdOf(c), state.value_or(""), remarks.value_or("")),
                               "not-competent");
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications/{id}/inadmissible",
           .summary = "Inadmissible after the manual check (VC Art 19(3)); the fee is refunded",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ObjectSchema({{"remarks", StringSchema()}}, {"remarks"}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(remarks, RequireString(body, "remarks"));
             return FromStatus(s.examination.DeclareInadmissible(c.principal, IdOf(c), remarks),
                               "inadmissible");
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications/{id}/issue",
           .summary = "Issue a digital visa (types A, C, LTV, D) with a unique number and a "
                      "signed seal (DV-REC, DV-SEAL, DV-LONG)",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = TermsSchema(),
           .success_status = 201,
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(terms, ParseTerms(body));
             OPENVAP_API_TRY(visa, s.examination.Issue(c.principal, IdOf(c), terms));
             return http::JsonResponse(201, domain::VisaDisclosure(visa, c.principal.role));
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications/{id}/refuse",
           .summary = "Refuse with Annex VI grounds, in the state's language and English "
                      "(VC Art 32)",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ActSchema(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(act, ParseAct(body));
             OPENVAP_API_TRY(d, s.examination.Refuse(c.principal, IdOf(c), act));
             return Ok200(DecisionJson(d));
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/consulate/applications/{id}/decisions",
           .summary = "Decisions on an application",
           .tag = "consulate",
           .roles = Officials(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(list, s.examination.DecisionsFor(c.principal, IdOf(c)));
             json out = json::array();
             for (const auto& d : list) out.push_back(DecisionJson(d));
             return Ok200({{"decisions", out}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications/{id}/decisions/{decision}/handed-over",
           .summary = "Record that the standard form of a decision was handed over to a person "
                      "without an account (VC Art 32(2)); the appeal period runs from now",
           .tag = "consulate",
           .roles = Officials(),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(
                 d, s.examination.RecordHandedOver(c.principal, IdOf(c),
                                                   DecisionId(c.request.path_params["decision"])));
             return Ok200(DecisionJson(d));
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/applications/{id}/payment-in-person",
           .summary = "Record the fee paid at the consulate (VAP-PAY fallback)",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ObjectSchema({{"receipt", StringSchema()}}, {"receipt"}),
           .handler = [&s](CallContext& c) { return RecordPaymentInPerson(s, c); }});

  const auto visa_act = [&api, &s](const char* verb, const char* summary,
                                   domain::DecisionKind kind) {
    api.Add({.method = "POST",
             .path = std::string("/api/v1/consulate/visas/{number}/") + verb,
             .summary = summary,
             .tag = "consulate",
             .roles = Officials(),
             .request_schema = kind == domain::DecisionKind::kRefuseConfirmation
                                   ? ActAnsweringARequestSchema()
                                   : ActSchema(),
             .handler = [&s, kind](CallContext& c) {
               OPENVAP_API_TRY(body, ParseJsonObject(c.request));
               OPENVAP_API_TRY(act, ParseAct(body));
               OPENVAP_API_TRY(request, RequestOf(body));
               if (request && kind != domain::DecisionKind::kRefuseConfirmation) {
                 return ErrorResponseFor(
                     {"invalid-field",
                      "application: only an extension or a confirmation answers an application"});
               }
               Result<domain::Decision> d =
                   kind == domain::DecisionKind::kAnnul
                       ? s.examination.Annul(c.principal, NumberOf(c), act)
                   : kind == domain::DecisionKind::kRevoke
                       ? s.examination.Revoke(c.principal, NumberOf(c), act)
                       : s.examination.RefuseConfirmation(c.principal, NumberOf(c), act, request);
               if (!d.ok()) return ErrorResponseFor(d.error());
               return Ok200(DecisionJson(*d));
             }});
  };
  visa_act("annul", "Annul a visa (VC Art 34(1)); exported to the EES",
           domain::DecisionKind::kAnnul);
  visa_act("revoke", "Revoke a visa (VC Art 34(2)); exported to the EES",
           domain::DecisionKind::kRevoke);
  visa_act("refuse-confirmation",
           "Refuse confirmation in a new travel document and revoke (VC Art 32a(9))",
           domain::DecisionKind::kRefuseConfirmation);

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/visas/{number}/extend",
           .summary = "Extend a visa (VC Art 33): new validity and/or duration of stay, new seal",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ObjectSchema({{"valid_until", StringSchema(nullptr, "date")},
                                           {"duration_of_stay_days", {{"type", "integer"}}},
                                           {"remarks", StringSchema()},
                                           {"application", StringSchema(kRequestDescription)}},
                                          {"valid_until", "duration_of_stay_days", "remarks"}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(until, RequireDate(body, "valid_until", ""));
             OPENVAP_API_TRY(days, RequireInteger(body, "duration_of_stay_days"));
             OPENVAP_API_TRY(act, ParseAct(body));
             OPENVAP_API_TRY(request, RequestOf(body));
             OPENVAP_API_TRY(d, s.examination.Extend(c.principal, NumberOf(c), until,
                                                     static_cast<int>(days), act, request));
             return Ok200(DecisionJson(d));
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/visas/{number}/confirm",
           .summary = "Confirm a valid visa in a new travel document (VC Art 32a; fee EUR 20)",
           .tag = "consulate",
           .roles = Officials(),
           .request_schema = ObjectSchema({{"travel_document", HolderSchema()},
                                           {"application", StringSchema(kRequestDescription)}},
                                          {"travel_document"}),
           .handler = [&s](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             if (!body.contains("travel_document")) {
               return ErrorResponseFor({"invalid-field", "travel_document: is required"});
             }
             OPENVAP_API_TRY(doc, ParseHolder(body["travel_document"], "travel_document"));
             OPENVAP_API_TRY(request, RequestOf(body));
             OPENVAP_API_TRY(d, s.examination.ConfirmInNewTravelDocument(c.principal, NumberOf(c),
                                                                         doc, request));
             return Ok200(DecisionJson(d));
           }});

  api.Add(
      {.method = "POST",
       .path = "/api/v1/consulate/stickers/{sticker}/replace",
       .summary = "Invalidate an erroneous legacy sticker and issue the correct digital "
                  "visa (VC Art 28; DV-STICKER)",
       .tag = "consulate",
       .roles = Officials(),
       .request_schema =
           ObjectSchema({{"holder", HolderSchema()}, {"visa", TermsSchema()}}, {"holder", "visa"}),
       .success_status = 201,
       .handler = [&s](CallContext& c) {
         OPENVAP_API_TRY(body, ParseJsonObject(c.request));
         if (!body.contains("holder") || !body.contains("visa")) {
           return ErrorResponseFor({"invalid-field", "holder and visa: both are required"});
         }
         OPENVAP_API_TRY(holder, ParseHolder(body["holder"], "holder"));
         OPENVAP_API_TRY(terms, ParseTerms(body["visa"]));
         OPENVAP_API_TRY(visa, s.examination.ReplaceSticker(
                                   c.principal, c.request.path_params["sticker"], holder, terms));
         return http::JsonResponse(201, domain::VisaDisclosure(visa, c.principal.role));
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/consulate/slots",
           .summary = "Publish appointment slots (VIS 7e(2))",
           .tag = "appointments",
           .roles = Officials(),
           .request_schema = SlotOffersSchema(),
           .success_status = 201,
           .handler = [&s](CallContext& c) { return PublishSlots(s, c); }});
}

json SlotOffersSchema() {
  const json slot = ObjectSchema(
      {{"starts_at", StringSchema("the start, with its offset or Z", "date-time")},
       {"time_zone", StringSchema("the time zone of the place of the visit, e.g. Asia/Kolkata")},
       {"minutes", {{"type", "integer"}, {"minimum", 5}, {"maximum", 240}}},
       {"location", StringSchema("the address shown to the applicant")}},
      {"starts_at", "time_zone"});
  return ObjectSchema(
      {{"slots", {{"type", "array"}, {"items", slot}, {"minItems", 1}, {"maxItems", 1000}}}},
      {"slots"});
}

http::Response PublishSlots(PlatformServices& s, CallContext& c) {
  OPENVAP_API_TRY(body, ParseJsonObject(c.request));
  if (!body.contains("slots") || !body["slots"].is_array()) {
    return ErrorResponseFor(
        {"invalid-field", "slots: a list of {starts_at, time_zone, minutes, location}"});
  }
  std::vector<domain::SlotOffer> offers;
  for (std::size_t i = 0; i < body["slots"].size(); ++i) {
    const json& o = body["slots"][i];
    const std::string path = "slots[" + std::to_string(i) + "]";
    if (!o.is_object()) return ErrorResponseFor({"invalid-field", path + ": an object"});
    OPENVAP_API_TRY(start_text, RequireString(o, "starts_at", path));
    // A time of day without its offset is ambiguous: read as UTC, 09:00 in New Delhi became
    // 14:30 there. The offset (or Z) is required, as the schema says.
    const std::size_t t = start_text.find('T');
    if (t == std::string::npos ||
        (start_text.back() != 'Z' && start_text.find_first_of("+-", t) == std::string::npos)) {
      return ErrorResponseFor(
          {"invalid-field", path + ".starts_at: the date and time with its offset, such as "
                                   "2027-02-01T09:00:00+05:30 (or Z for UTC)"});
    }
    OPENVAP_API_TRY(start, ParseIsoTimestamp(start_text));
    domain::SlotOffer offer;
    offer.starts_at = start;
    if (o.contains("minutes")) {
      OPENVAP_API_TRY(minutes, RequireInteger(o, "minutes", path));
      offer.minutes = static_cast<int>(minutes);
    }
    OPENVAP_API_TRY(location, OptionalString(o, "location", path));
    offer.location = location.value_or("");
    OPENVAP_API_TRY(time_zone, RequireString(o, "time_zone", path));
    offer.time_zone = time_zone;
    offers.push_back(offer);
  }
  OPENVAP_API_TRY(slots, s.appointments.Publish(c.principal, offers));
  json out = json::array();
  for (const auto& slot : slots) out.push_back(SlotJson(slot));
  return http::JsonResponse(201, {{"slots", out}});
}

}  // namespace openvap::api
