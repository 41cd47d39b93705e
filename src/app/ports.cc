#include "app/ports.h"

#include <date/tz.h>

#include <algorithm>
#include <array>

#include "domain/plain_text.h"
#include "rules/check.h"
#include "rules/names.h"
#include "seal/seal.h"

namespace openvap::app {
namespace {

using nlohmann::json;

// Working translations of the Annex VI grounds (VC Annex VI as replaced by Reg 2019/1155
// Annex III). They follow the wording of the French and German language versions of the
// standard form but have not been checked word for word against OJ L 188 of 12.7.2019:
// docs/decisions.md lists them as to be confirmed.
struct GroundTranslation {
  std::string_view language;
  std::array<std::string_view, 17> texts;
};

constexpr std::array<GroundTranslation, 2> kGroundTranslations = {{
    {"fr",
     {"un document de voyage faux ou falsifié a été présenté",
      "l'objet et les conditions du séjour envisagé n'ont pas été justifiés",
      "vous n'avez pas fourni la preuve que vous disposez de moyens de subsistance suffisants "
      "pour la durée du séjour envisagé ou pour le retour dans le pays d'origine ou de résidence, "
      "ou pour le transit vers un pays tiers dans lequel votre admission est garantie",
      "vous n'avez pas fourni la preuve que vous êtes en mesure d'acquérir légalement des moyens "
      "de subsistance suffisants pour la durée du séjour envisagé ou pour le retour dans le pays "
      "d'origine ou de résidence, ou pour le transit vers un pays tiers dans lequel votre "
      "admission est garantie",
      "vous avez déjà séjourné sur le territoire des États membres pendant 90 jours au cours de "
      "la période de 180 jours en cours sur la base d'un visa uniforme ou d'un visa à validité "
      "territoriale limitée",
      "un signalement a été émis dans le système d'information Schengen (SIS) aux fins de non-"
      "admission par … (indication de l'État membre)",
      "un ou plusieurs États membres estiment que vous représentez une menace pour l'ordre "
      "public ou la sécurité intérieure",
      "un ou plusieurs États membres estiment que vous représentez une menace pour la santé "
      "publique au sens de l'article 2, point 21, du règlement (UE) 2016/399 (code frontières "
      "Schengen)",
      "un ou plusieurs États membres estiment que vous représentez une menace pour leurs "
      "relations internationales",
      "les informations communiquées pour justifier l'objet et les conditions du séjour envisagé "
      "n'étaient pas fiables",
      "il existe des doutes raisonnables quant à la fiabilité des déclarations faites en ce qui "
      "concerne … (à préciser)",
      "il existe des doutes raisonnables quant à la fiabilité ou à l'authenticité des "
      "justificatifs présentés ou quant à la véracité de leur contenu",
      "il existe des doutes raisonnables quant à votre volonté de quitter le territoire des États "
      "membres avant l'expiration du visa",
      "vous n'avez pas fourni de preuves suffisantes que vous n'avez pas été en mesure de demander "
      "un visa à l'avance, ce qui justifierait une demande de visa à la frontière",
      "l'objet et les conditions du transit aéroportuaire envisagé n'ont pas été justifiés",
      "vous n'avez pas fourni la preuve que vous êtes titulaire d'une assurance maladie en voyage "
      "adéquate et valide",
      "le titulaire du visa a demandé la révocation de celui-ci"}},
    {"de",
     {"Sie haben ein falsches, verfälschtes oder gefälschtes Reisedokument vorgelegt",
      "Sie haben den Zweck und die Bedingungen des geplanten Aufenthalts nicht begründet",
      "Sie haben nicht den Nachweis erbracht, dass Sie über ausreichende Mittel zur Bestreitung "
      "des Lebensunterhalts für die Dauer des beabsichtigten Aufenthalts oder für die Rückreise "
      "in den Herkunfts- oder Wohnsitzstaat oder für die Durchreise in einen Drittstaat, in dem "
      "Ihre Zulassung gewährleistet ist, verfügen",
      "Sie haben nicht den Nachweis erbracht, dass Sie in der Lage sind, ausreichende Mittel zur "
      "Bestreitung des Lebensunterhalts für die Dauer des beabsichtigten Aufenthalts oder für "
      "die Rückreise in den Herkunfts- oder Wohnsitzstaat oder für die Durchreise in einen "
      "Drittstaat, in dem Ihre Zulassung gewährleistet ist, rechtmäßig zu erwerben",
      "Sie haben sich im laufenden Zeitraum von 180 Tagen bereits 90 Tage im Hoheitsgebiet der "
      "Mitgliedstaaten mit einem einheitlichen Visum oder einem Visum mit räumlich beschränkter "
      "Gültigkeit aufgehalten",
      "Sie sind im Schengener Informationssystem (SIS) von … (Angabe des Mitgliedstaats) zur "
      "Einreiseverweigerung ausgeschrieben",
      "ein oder mehrere Mitgliedstaaten sind der Auffassung, dass Sie eine Gefahr für die "
      "öffentliche Ordnung oder die innere Sicherheit darstellen",
      "ein oder mehrere Mitgliedstaaten sind der Auffassung, dass Sie eine Gefahr für die "
      "öffentliche Gesundheit im Sinne von Artikel 2 Nummer 21 der Verordnung (EU) 2016/399 "
      "(Schengener Grenzkodex) darstellen",
      "ein oder mehrere Mitgliedstaaten sind der Auffassung, dass Sie eine Gefahr für ihre "
      "internationalen Beziehungen darstellen",
      "die zur Begründung des Zwecks und der Bedingungen des geplanten Aufenthalts vorgelegten "
      "Informationen waren nicht glaubhaft",
      "es bestehen begründete Zweifel an der Glaubhaftigkeit Ihrer Aussagen zu … (bitte angeben)",
      "es bestehen begründete Zweifel an der Zuverlässigkeit und der Echtheit der vorgelegten "
      "Belege oder am Wahrheitsgehalt ihres Inhalts",
      "es bestehen begründete Zweifel an Ihrer Absicht, das Hoheitsgebiet der Mitgliedstaaten vor "
      "Ablauf der Gültigkeit des Visums zu verlassen",
      "Sie haben nicht ausreichend nachgewiesen, dass Sie nicht in der Lage waren, im Voraus ein "
      "Visum zu beantragen, was die Beantragung eines Visums an der Grenze rechtfertigen würde",
      "Sie haben den Zweck und die Bedingungen des geplanten Flughafentransits nicht begründet",
      "Sie haben nicht nachgewiesen, dass Sie über eine angemessene und gültige "
      "Reisekrankenversicherung verfügen",
      "der Visuminhaber hat den Widerruf des Visums beantragt"}},
}};

std::string_view DecisionVerb(domain::DecisionKind kind) {
  switch (kind) {
    case domain::DecisionKind::kRefuse:
    case domain::DecisionKind::kRefuseConfirmation:
      return "refuse";
    case domain::DecisionKind::kAnnul:
      return "annul";
    case domain::DecisionKind::kRevoke:
      return "revoke";
    default:
      return "";
  }
}

// The Annex I fields the harmonised form marks as mandatory for everyone, and those that
// family members of EU/EEA/CH citizens skip (fields marked *; Annex I footnote).
constexpr std::array<const char*, 17> kMandatoryFields = {
    "1", "3", "4", "5", "6", "7", "8", "9", "12", "13", "14", "15", "16", "19", "23", "26", "27"};
constexpr std::array<const char*, 3> kMandatoryUnlessFamily = {"21", "30", "32"};

bool IsFamilyMember(const domain::Application& a) {
  return a.form.Fields().value("family_member_of_eu_citizen", false) ||
         !a.form.FieldText("17a").empty();
}

// The mandatory fields the form lacks, by number (VIS Art 7d(8): the applicant is told which
// part of the file is missing).
std::vector<std::string> MissingFormFields(const domain::Application& a, Date lodged_on) {
  const json& form = a.form.Fields();
  std::vector<std::string> out;
  for (const char* key : kMandatoryFields) {
    if (!form.contains(key)) out.emplace_back(key);
  }
  // A minor's form names the person exercising parental authority or the legal guardian, who
  // signs it (Annex I field 10; VC Art 11(1)): its surname or name at least (an institution has
  // no first name or nationality).
  if (const auto born = ParseIsoDate(a.form.FieldText("4"));
      born.ok() && lodged_on < AddYears(*born, 18) && a.form.FieldText("10a").empty()) {
    out.emplace_back("10a");
  }
  if (!IsFamilyMember(a)) {
    for (const char* key : kMandatoryUnlessFamily) {
      if (!form.contains(key)) out.emplace_back(key);
    }
  }
  return out;
}

// The English name of refdata/schengen_states.csv, or the code for a state not in it.
std::string NameOfState(const rules::ReferenceData& data, const std::string& state) {
  const rules::SchengenState* s = data.FindStateByIso2(state);
  return s != nullptr ? s->name : state;
}

}  // namespace

Result<std::chrono::seconds> SystemTimeZones::OffsetAt(std::string_view zone,
                                                       Timestamp instant) const {
  auto fixed = fixed_.OffsetAt(zone, instant);
  if (fixed.ok()) return fixed;
  try {
    const date::time_zone* tz = date::locate_zone(zone);
    const auto info = tz->get_info(std::chrono::floor<std::chrono::seconds>(instant));
    return std::chrono::duration_cast<std::chrono::seconds>(info.offset);
  } catch (const std::exception&) {
    return Error{"unknown-time-zone", "'" + std::string(zone) +
                                          "' is not a time zone of the tz database (e.g. "
                                          "Europe/Paris) nor a UTC offset (+HH:MM)"};
  }
}

Result<rules::CheckRequest> RulesPreChecks::RequestFor(
    const domain::Application& a, Date lodged_on, bool photo_uploaded,
    const std::optional<domain::BiometricsOnRecord>& on_record) {
  const json& form = a.form.Fields();
  const auto need = [&a](const char* key, const char* what) -> Status {
    if (a.form.FieldText(key).empty()) {
      return Error{"invalid-field", std::string("form.") + key + ": fill in " + what +
                                        " so that the platform can check your application"};
    }
    return Ok();
  };
  OPENVAP_RETURN_IF_ERROR(need("7", "your current nationality (field 7)"));
  OPENVAP_RETURN_IF_ERROR(need("4", "your date of birth (field 4)"));
  OPENVAP_RETURN_IF_ERROR(need("13", "the number of your travel document (field 13)"));
  OPENVAP_RETURN_IF_ERROR(need("14", "the date of issue of your travel document (field 14)"));
  OPENVAP_RETURN_IF_ERROR(need("15", "the expiry date of your travel document (field 15)"));
  const auto itinerary = form.find("itinerary");
  if (itinerary == form.end() || !itinerary->is_array() || itinerary->empty()) {
    return Error{"invalid-field",
                 "form.itinerary: list the Member States you will stay in, with the dates "
                 "({\"state\": \"FR\", \"from\": \"YYYY-MM-DD\", \"to\": \"YYYY-MM-DD\"})"};
  }
  const bool family = IsFamilyMember(a);
  // Read as ParseCheckRequest reads a JSON request, member by member, with its checks and
  // messages, but from the form's values where they are: no request is built to be read again
  // (docs/PERFORMANCE.md).
  const auto unusable = [](const Error& e) {
    return Error{"invalid-field", "the form does not give what the checks need: " + e.message};
  };
  rules::CheckRequest r;
  r.lodged_on = lodged_on;
  const auto read = [&unusable](auto result, auto& into) -> Status {
    if (!result.ok()) return unusable(result.error());
    into = *std::move(result);
    return Ok();
  };
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadCountryCode("nationality", a.form.FieldText("7"), 3, true), r.nationality));
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadRequiredDate("date_of_birth", a.form.FieldText("4")), r.date_of_birth));
  // Annex I field 12 ("Ordinary passport", ..., "Other travel document"): unknown kinds are
  // "other" for the rules.
  const std::string& type = a.form.FieldText("12");
  r.travel_document.type =
      type.empty() ? "ordinary-passport" : rules::TravelDocumentTypeCode(type).value_or("other");
  r.travel_document.number = a.form.FieldText("13");
  const std::string& issuer = a.form.FieldText("16");
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadCountryCode("travel_document.issuing_country",
                                  issuer.empty() ? a.form.FieldText("7") : issuer, 3, false),
           r.travel_document.issuing_country));
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadRequiredDate("travel_document.issued_on", a.form.FieldText("14")),
           r.travel_document.issued_on));
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadRequiredDate("travel_document.expires_on", a.form.FieldText("15")),
           r.travel_document.expires_on));
  if (Status consistent = rules::CheckRequestConsistency(r); !consistent.ok()) {
    return unusable(consistent.error());
  }
  OPENVAP_RETURN_IF_ERROR(read(rules::ReadStays(&*itinerary), r.stays));
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadCountryCode("first_entry_state", a.form.FieldText("26"), 2, false),
           r.first_entry_state));
  const auto purposes = form.find("23");
  if (purposes != form.end() && purposes->is_array() && !purposes->empty() &&
      (*purposes)[0].is_string()) {
    // As ticked ("Tourism"): the rules read any case.
    OPENVAP_RETURN_IF_ERROR(
        read(rules::ReadMainPurpose((*purposes)[0].get_ref<const std::string&>()), r.main_purpose));
  }
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadCountryCode("chosen_state", a.form.FieldText("chosen_state"), 2, false),
           r.chosen_state));
  const auto previous = form.find("previous_stays");
  if (previous != form.end() && previous->is_array()) {
    OPENVAP_RETURN_IF_ERROR(
        read(rules::ReadPeriods("previous_stays", &*previous), r.previous_stays));
  }
  if (a.lodging.biometrics_collected_on) {
    // VIS 7d(4): fingerprints collected with this travel document.
    r.biometrics = rules::BiometricsRecord{*a.lodging.biometrics_collected_on,
                                           a.lodging.biometrics_travel_document.empty()
                                               ? a.form.FieldText("13")
                                               : a.lodging.biometrics_travel_document};
  } else if (on_record) {
    // Or for an earlier application (the read-only copy of VIS): the rules decide whether they
    // can be used again (59 months, the same document).
    r.biometrics =
        rules::BiometricsRecord{on_record->collected_on, on_record->travel_document_number};
  }
  r.family_member_of_eu_citizen = family;
  r.seafarer = form.value("seafarer", false);
  r.form_complete = MissingFormFields(a, lodged_on).empty();
  r.photo = photo_uploaded;
  r.fee_paid = a.fee_paid;
  r.fee_paid_eur = domain::FeePaidEur(a);
  r.biometrics_collected = a.lodging.biometrics_collected_on.has_value();
  r.humanitarian = a.humanitarian_derogation.has_value();
  const auto optional_text = [&a](const char* key) {
    const std::string& text = a.form.FieldText(key);
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
  };
  OPENVAP_RETURN_IF_ERROR(
      read(rules::ReadFeeExemption(optional_text("fee_exemption")), r.fee_exemption));
  // The procedure sets the fee: an extension (VC Art 33(1)-(2)), a confirmation in a new travel
  // document (Art 32a(3)); every other kind is an application (Art 16).
  switch (a.kind) {
    case domain::ApplicationKind::kVisaExtension: {
      const std::string& reason = a.form.FieldText("extension_reason");
      r.procedure = reason == "force-majeure" || reason == "humanitarian"
                        ? rules::Procedure::kExtensionForceMajeure
                        : rules::Procedure::kExtension;
      break;
    }
    case domain::ApplicationKind::kVisaConfirmation:
      r.procedure = rules::Procedure::kConfirmation;
      break;
    case domain::ApplicationKind::kShortStayVisa:
    case domain::ApplicationKind::kLongStayVisa:
      r.procedure = rules::Procedure::kApplication;
      break;
  }
  // VIS 7b(5): every text of the form in the Latin alphabet, handed over as they are.
  for (const auto& [key, value] : form.items()) {
    if (value.is_string()) {
      r.form_data.emplace_back("form." + key, value.get_ref<const std::string&>());
    }
  }
  return r;
}

Result<domain::PreCheckOutcome> RulesPreChecks::Run(const domain::Application& a,
                                                    const domain::PreCheckInputs& inputs,
                                                    Date lodged_on) const {
  const bool photo =
      std::any_of(inputs.documents.begin(), inputs.documents.end(),
                  [](const domain::ApplicationDocument& d) { return d.kind == "photo"; });
  OPENVAP_ASSIGN_OR_RETURN(const rules::CheckRequest request,
                           RequestFor(a, lodged_on, photo, inputs.biometrics_on_record));
  OPENVAP_ASSIGN_OR_RETURN(const rules::CheckResponse response,
                           rules::Check(request, data_, zones_));
  domain::PreCheckOutcome out;
  out.visa_required = response.visa.visa_required;
  out.airport_transit_visa_required = response.airport_transit.required;
  out.competent_state = response.competence.competent_state;
  out.competence_reason = rules::CompetenceReasonName(response.competence.reason);
  out.competence_needs_confirmation = response.competence.needs_confirmation;
  out.admissible = response.admissibility.admissible;
  for (const Error& m : response.admissibility.missing) {
    std::string message = m.message;
    if (m.code == "form-incomplete") {
      std::string fields;
      for (const std::string& key : MissingFormFields(a, lodged_on))
        fields += (fields.empty() ? "" : ", ") + key;
      if (!fields.empty()) message += " Fields missing: " + fields + ".";
    }
    if (m.code == "biometrics-not-collected" && a.appointment) {
      // The visit is booked: it is still missing, but not to be booked again.
      message =
          "Give your fingerprints and facial image at the visit you booked" +
          (a.appointment_location.empty() ? std::string() : " (" + a.appointment_location + ")") +
          " (Visa Code Art 13; VIS Reg Art 7d(4)).";
    }
    out.missing.push_back({m.code, std::move(message)});
  }
  out.fee_eur = response.fee ? response.fee->amount_eur : 0.0;
  out.visit_required = response.biometrics.visit_required;
  // As JSON text: the application document is loaded on every step of the procedure, and
  // parsing this object each time was a fifth of a submission's cost (docs/PERFORMANCE.md).
  out.details = rules::ToJsonText(response);
  return out;
}

std::string RulesPreChecks::StateName(const std::string& state) const {
  return NameOfState(data_, state);
}

bool RulesPreChecks::IsTimeZone(std::string_view zone) const {
  return !zone.empty() && zone.size() <= 64 && zones_.OffsetAt(zone, Timestamp{}).ok();
}

std::vector<std::string> RulesPreChecks::NonLatinFields(const json& form) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : form.items()) {
    if (value.is_string()) {
      // Annex I fields 1 and 3, the surname and first names, go into the visa and its seal:
      // letters only (field 2, former surnames, does not).
      const bool name = key == "1" || key == "3";
      const auto& text = value.get_ref<const std::string&>();
      if (!(name ? rules::CheckLatinName(key, text) : rules::CheckLatinAlphabet(key, text)).ok()) {
        out.push_back(key);
      }
    } else if (value.is_array()) {
      for (const json& item : value) {
        if (item.is_string() && !rules::CheckLatinAlphabet(key, item.get<std::string>()).ok()) {
          out.push_back(key);
          break;
        }
      }
    }
  }
  return out;
}

Result<std::string> AnnexViDecisionTexts::Ground(int number, const std::string& language) const {
  if (number < 1 || number > 17) {
    return Error{"invalid-field", "grounds: " + std::to_string(number) +
                                      " is not a ground of the standard form (1 to 17)"};
  }
  if (language == "en") {
    for (const rules::RefusalGround& g : data_.refusal_grounds()) {
      if (g.number == number) return g.text;
    }
    return Error{"invalid-field", "grounds: no ground " + std::to_string(number)};
  }
  if (const auto supplied = grounds_.find(language); supplied != grounds_.end()) {
    return supplied->second.at(static_cast<std::size_t>(number - 1));
  }
  for (const GroundTranslation& t : kGroundTranslations) {
    if (t.language == language) {
      return std::string(t.texts[static_cast<std::size_t>(number - 1)]);
    }
  }
  return Error{"translation-missing",
               "the standard form (VC Annex VI) has no text in '" + language +
                   "' on this platform: VC Art 32(2) requires the state's language; put the "
                   "form's 17 grounds in that language (for an official language of the Union, "
                   "the Official Journal's text) in annex-vi.json in the data directory"};
}

Result<std::string> AnnexViDecisionTexts::AppealInformation(const std::string& state,
                                                            const std::string& language) const {
  const auto texts = appeals_.find(state);
  if (texts == appeals_.end()) {
    return Error{"appeal-information-missing",
                 "the platform has no appeal information for " + state +
                     " (the national law, authority, procedure and time limit of VC Art 32(3) "
                     "and Annex VI): the state supplies it in appeals.json in the data directory"};
  }
  const auto text = texts->second.find(language);
  if (text == texts->second.end()) {
    return Error{"translation-missing", "the appeal information of " + state + " has no text in '" +
                                            language + "' (appeals.json)"};
  }
  return text->second;
}

Result<AnnexViDecisionTexts::AppealTexts> AnnexViDecisionTexts::ParseAppealTexts(
    std::string_view json_text) {
  const json doc = json::parse(json_text, nullptr, false);
  const auto wrong = [](const std::string& what) {
    return Error{"config-error", "appeals.json: " + what +
                                     " (expected {\"states\": {\"FR\": {\"en\": \"...\", "
                                     "\"fr\": \"...\"}}})"};
  };
  if (doc.is_discarded() || !doc.is_object()) return wrong("not a JSON object");
  const auto states = doc.find("states");
  if (states == doc.end() || !states->is_object()) return wrong("no \"states\" object");
  AppealTexts out;
  for (const auto& [state, languages] : states->items()) {
    if (!domain::IsUpperCaseCode(state, 2) || !languages.is_object() || languages.empty()) {
      return wrong("states." + state + ": a state's alpha-2 code and its texts by language");
    }
    for (const auto& [language, text] : languages.items()) {
      if (!domain::IsLowerCaseCode(language, 2) || !text.is_string() ||
          text.get_ref<const std::string&>().empty()) {
        std::string where = "states.";
        where.append(state).append(".").append(language);
        return wrong(where + ": a non-empty text under an ISO 639-1 code");
      }
      out[state][language] = text.get<std::string>();
    }
  }
  return out;
}

Result<AnnexViDecisionTexts::GroundTexts> AnnexViDecisionTexts::ParseGroundTexts(
    std::string_view json_text) {
  const json doc = json::parse(json_text, nullptr, false);
  const auto wrong = [](const std::string& what) {
    return Error{"config-error", "annex-vi.json: " + what +
                                     " (expected {\"grounds\": {\"it\": [\"<ground 1>\", ..., "
                                     "\"<ground 17>\"]}})"};
  };
  if (doc.is_discarded() || !doc.is_object()) return wrong("not a JSON object");
  const auto grounds = doc.find("grounds");
  if (grounds == doc.end() || !grounds->is_object()) return wrong("no \"grounds\" object");
  GroundTexts out;
  for (const auto& [language, texts] : grounds->items()) {
    const std::string where = "grounds." + language;
    if (!domain::IsLowerCaseCode(language, 2) || language == "en") {
      return wrong(where + ": an ISO 639-1 code other than en (English is the reference data's)");
    }
    if (!texts.is_array() || texts.size() != 17) {
      return wrong(where + ": the 17 grounds of the form, in order");
    }
    for (std::size_t i = 0; i < texts.size(); ++i) {
      // Printed in decisions as they are: one line, nothing hidden (bidirectional overrides,
      // zero-width characters).
      if (!texts[i].is_string() || texts[i].get_ref<const std::string&>().empty() ||
          !domain::IsPlainText(texts[i].get_ref<const std::string&>()) ||
          domain::HasHiddenCharacters(texts[i].get_ref<const std::string&>())) {
        return wrong(where + "[" + std::to_string(i) + "]: ground " + std::to_string(i + 1) +
                     " as a non-empty text of one line");
      }
      out[language].push_back(texts[i].get<std::string>());
    }
  }
  return out;
}

bool AnnexViDecisionTexts::GroundAppliesTo(int number, domain::DecisionKind kind) const {
  const std::string_view verb = DecisionVerb(kind);
  if (verb.empty()) return false;
  for (const rules::RefusalGround& g : data_.refusal_grounds()) {
    if (g.number == number) return g.applies_to.find(verb) != std::string::npos;
  }
  return false;
}

std::string AnnexViDecisionTexts::StateLanguage(const std::string& state) const {
  const rules::SchengenState* s = data_.FindStateByIso2(state);
  if (s == nullptr || s->official_languages.empty()) return "en";
  // The first of the state's official languages that the form has: Luxembourg's decisions are
  // in French (Luxembourgish has no text of Annex VI), Belgium's in French until the deployment
  // supplies Dutch. Not English: every decision has its English text already, and Art 32(2)
  // wants the state's language and another (Malta's are in Maltese, once supplied). With none,
  // the first, whose text is then missing.
  for (const std::string& language : s->official_languages) {
    if (language != "en" && Ground(1, language).ok()) return language;
  }
  return s->official_languages.front();
}

std::string AnnexViDecisionTexts::StateAlpha3(const std::string& state) const {
  const rules::SchengenState* s = data_.FindStateByIso2(state);
  return s != nullptr ? s->iso3 : state;
}

std::string AnnexViDecisionTexts::StateName(const std::string& state) const {
  return NameOfState(data_, state);
}

bool AnnexViDecisionTexts::VisaCanBeValidIn(const std::string& state, Date date) const {
  const rules::SchengenState* s = data_.FindStateByIso2(state);
  return s != nullptr && s->AppliesInFullOn(date);
}

Date ResidenceCalendar::LocalDate(Timestamp now, const std::string& zone) const {
  auto local = rules::LocalDateOf(zones_, zone.empty() ? "UTC" : zone, now);
  return local.ok() ? *local : UtcDateOf(now);  // an unknown zone counts in UTC
}

Date ResidenceCalendar::PresumedNotificationDay(Timestamp message_sent,
                                                const std::string& zone) const {
  return AddDays(LocalDate(message_sent, zone), rules::kPresumedAccessDay);
}

void MemberStateVisaSealer::AddSigner(const std::string& state,
                                      verify::CertificateSealSigner signer) {
  signers_.insert_or_assign(state, std::move(signer));
}

json MemberStateVisaSealer::SealData(const domain::DigitalVisa& visa) {
  json data = {{"visa_number", visa.number.value()},
               {"visa_type", std::string(domain::VisaTypeCode(visa.type))},
               {"valid_from", FormatIsoDate(visa.valid_from)},
               {"valid_until", FormatIsoDate(visa.valid_until)},
               {"number_of_entries", visa.entries},
               {"duration_of_stay_days", visa.duration_of_stay_days},
               {"surname", visa.holder.surname},
               {"nationality", visa.holder.nationality},
               {"travel_document_number", visa.holder.travel_document_number}};
  if (!visa.territory.empty()) data["territory"] = visa.territory;
  if (!visa.holder.given_names.empty()) data["given_names"] = visa.holder.given_names;
  if (visa.holder.date_of_birth) data["date_of_birth"] = FormatIsoDate(*visa.holder.date_of_birth);
  if (!visa.remarks.empty()) data["remarks"] = visa.remarks;
  if (visa.family_member_of_eu_citizen) data["family_member_of_eu_citizen"] = 1;
  if (visa.replaces_sticker) data["replaces_sticker"] = *visa.replaces_sticker;
  return data;
}

Status MemberStateVisaSealer::CanSignOn(const std::string& state, Date day) const {
  const auto signer = SignerOn(state, day);
  return signer.ok() ? Ok() : Status(signer.error());
}

Result<const verify::CertificateSealSigner*> MemberStateVisaSealer::SignerOn(
    const std::string& state, Date day) const {
  const auto it = signers_.find(state);
  if (it == signers_.end()) {
    return Error{"no-signer", "no document signer is configured for " + state +
                                  " (openvap pki signer; see docs/pki.md)"};
  }
  // A signer's key signs only within its private key usage period (ICAO 9303-12, RFC 5280
  // 2.5.29.16): from the day it starts (a signer made this morning signs today's visas) until
  // the last whole day before it ends. After it the key is retired, and its certificate lives on
  // only so that what it signed still verifies.
  if (const auto& period = it->second.certificate().private_key_usage_period()) {
    const Timestamp starts = StartOfDayUtc(day);
    if (period->not_after && starts + std::chrono::hours(24) > *period->not_after) {
      return Error{"signer-key-retired",
                   "the document signer of " + state + " signs until " +
                       FormatIsoTimestamp(*period->not_after) +
                       " (the end of its private key usage period), not on " + FormatIsoDate(day) +
                       ": install a new document signer (openvap pki signer; docs/pki.md)"};
    }
    if (period->not_before && day < UtcDateOf(*period->not_before)) {
      return Error{"signer-key-not-yet-usable",
                   "the document signer of " + state + " signs from " +
                       FormatIsoTimestamp(*period->not_before) +
                       " (the start of its private key usage period), not on " +
                       FormatIsoDate(day) + ": keep the signer it replaces in place until then"};
    }
  }
  return &it->second;
}

Result<Bytes> MemberStateVisaSealer::Seal(const domain::DigitalVisa& visa, Date signed_on) const {
  OPENVAP_ASSIGN_OR_RETURN(const verify::CertificateSealSigner* signer,
                           SignerOn(visa.issuing_state, signed_on));
  // The seal must verify as long as the visa is valid (DV-SEAL, DV-OFFLINE): a verifier refuses
  // a seal whose signer certificate has expired (ICAO 9303-12), so a signer that ends first
  // would turn a valid visa "invalid" at the border.
  const Timestamp signer_ends = signer->certificate().not_after();
  if (StartOfDayUtc(visa.valid_until) + std::chrono::hours(24) > signer_ends) {
    return Error{"signer-expires-first",
                 "the document signer of " + visa.issuing_state + " is valid until " +
                     FormatIsoDate(UtcDateOf(signer_ends)) + ", before the visa's end on " +
                     FormatIsoDate(visa.valid_until) +
                     ": the seal could not be verified after that. Shorten the validity or "
                     "install a new document signer (openvap pki signer; docs/pki.md)"};
  }
  return seal::EncodeAndSignVds("eu-digital-visa", SealData(visa), visa.issued_on, signed_on,
                                *signer);
}

domain::SealCheck TrustStoreSealVerifier::Check(ByteView code, Timestamp at) const {
  const verify::SealVerification v = verify::VerifySeal(code, trust_, at);
  domain::SealCheck out;
  out.signature = std::string(trust::VerdictName(v.verdict.verdict));
  out.reason = v.verdict.reason;
  out.signer_subject = v.verdict.signer_subject.value_or("");
  if (!v.seal) return out;
  out.document_type = v.seal->document_type.value_or("");
  out.issuing_country = v.seal->header.country;
  json fields = json::object();
  for (const seal::SealFeature& f : v.seal->features) {
    if (!f.name.empty()) fields[f.name] = f.value;
  }
  out.fields = fields;
  for (const char* number : {"visa_number", "permit_number", "document_number"}) {
    if (fields.contains(number) && fields[number].is_string()) {
      out.document_number = fields[number].get<std::string>();
      break;
    }
  }
  for (auto [key, target] :
       {std::pair{"valid_from", &out.valid_from}, std::pair{"valid_until", &out.valid_until}}) {
    if (fields.contains(key) && fields[key].is_string()) {
      auto d = ParseIsoDate(fields[key].get<std::string>());
      if (d.ok()) *target = *d;
    }
  }
  return out;
}

}  // namespace openvap::app
