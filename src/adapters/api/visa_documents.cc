#include "adapters/api/visa_documents.h"

#include <array>
#include <map>

#include "adapters/api/api.h"
#include "adapters/barcode/barcode.h"
#include "adapters/pdf/document.h"
#include "base/time.h"

namespace openvap::api {
namespace {

// Labels of the notification. English always; the issuing state's language where a
// translation is provided here (others print English twice until one is added).
enum Label {
  kTitle,
  kNumber,
  kType,
  kValidFrom,
  kValidUntil,
  kEntries,
  kDuration,
  kTerritory,
  kSurname,
  kGivenNames,
  kBirth,
  kNationality,
  kDocument,
  kRemarks,
  kIssuedBy,
  kIssuedOn,
  kLabelCount
};

using Labels = std::array<const char*, kLabelCount>;

const std::map<std::string, Labels>& Translations() {
  static const auto* labels = new std::map<std::string, Labels>{
      {"en",
       {"Visa", "Visa number", "Type of visa", "Valid from", "Valid until", "Number of entries",
        "Duration of stay (days)", "Valid for", "Surname", "Given names", "Date of birth",
        "Nationality", "Travel document", "Remarks", "Issued by", "Issued on"}},
      {"fr",
       {"Visa", "Numéro du visa", "Type de visa", "Valable du", "Valable jusqu'au",
        "Nombre d'entrées", "Durée du séjour (jours)", "Valable pour", "Nom", "Prénoms",
        "Date de naissance", "Nationalité", "Document de voyage", "Remarques", "Délivré par",
        "Délivré le"}},
      {"de",
       {"Visum", "Visumnummer", "Visumkategorie", "Gültig ab", "Gültig bis", "Anzahl der Einreisen",
        "Dauer des Aufenthalts (Tage)", "Gültig für", "Name", "Vornamen", "Geburtsdatum",
        "Staatsangehörigkeit", "Reisedokument", "Anmerkungen", "Ausgestellt von",
        "Ausgestellt am"}},
  };
  return *labels;
}

std::string LanguageOf(const std::string& state) {
  static const auto* languages = new std::map<std::string, std::string>{
      {"FR", "fr"}, {"BE", "fr"}, {"LU", "fr"}, {"DE", "de"}, {"AT", "de"}, {"LI", "de"}};
  const auto it = languages->find(state);
  return it == languages->end() ? "en" : it->second;
}

}  // namespace

http::Response SealResponse(const Bytes& seal, const std::string& as,
                            const std::string& symbology_name) {
  if (as == "hex") {
    http::Response r;
    r.SetHeader("Content-Type", "text/plain; charset=utf-8");
    r.body = ToHex(seal) + "\n";
    return r;
  }
  if (as == "raw") {
    http::Response r;
    r.SetHeader("Content-Type", "application/octet-stream");
    r.body = AsString(seal);
    return r;
  }
  if (!as.empty() && as != "png" && as != "svg") {
    return ErrorResponseFor({"invalid-field", "as: png, svg, hex or raw"});
  }
  auto symbology = barcode::ParseSymbology(symbology_name.empty() ? "datamatrix" : symbology_name);
  if (!symbology.ok()) return ErrorResponseFor({"invalid-field", "symbology: datamatrix or qr"});
  const bool svg = as == "svg";
  auto image = barcode::RenderBarcodeImage(
      seal, {.symbology = *symbology},
      svg ? barcode::ImageFormat::kSvg : barcode::ImageFormat::kPng, svg ? 4 : 6);
  if (!image.ok()) return ErrorResponseFor(image.error());
  http::Response r;
  r.SetHeader("Content-Type", svg ? "image/svg+xml" : "image/png");
  r.body = std::move(*image);
  return r;
}

std::vector<QueryParameter> SealParameters() {
  return {{"as",
           "png (the default), svg, hex or raw",
           {{"type", "string"}, {"enum", {"png", "svg", "hex", "raw"}}}},
          {"symbology",
           "datamatrix (the default) or qr",
           {{"type", "string"}, {"enum", {"datamatrix", "qr"}}}}};
}

Result<Bytes> VisaNotificationPdf(const domain::DigitalVisa& v, const std::string& base_url,
                                  Timestamp now) {
  const std::string language = LanguageOf(v.issuing_state);
  const Labels& local = Translations().at(language);
  const Labels& en = Translations().at("en");
  pdf::PrintableDocument doc;
  doc.language = language;
  doc.title_primary = local[kTitle];
  doc.title_secondary = language == "en" ? "Digital visa" : en[kTitle];
  doc.document_number = v.number.value();
  doc.issuer = v.issuing_state + " — " + v.issuing_authority;
  const auto add = [&](Label label, std::string value) {
    if (!value.empty()) doc.fields.push_back({local[label], en[label], std::move(value)});
  };
  add(kNumber, v.number.value());
  add(kType, std::string(domain::VisaTypeCode(v.type)));
  add(kValidFrom, FormatIsoDate(v.valid_from));
  add(kValidUntil, FormatIsoDate(v.valid_until));
  add(kEntries, v.entries == 0 ? "MULT" : std::to_string(v.entries));
  add(kDuration, std::to_string(v.duration_of_stay_days));
  std::string territory = "Schengen States";
  if (!v.territory.empty()) {
    territory.clear();
    for (const auto& t : v.territory) territory += (territory.empty() ? "" : ", ") + t;
  }
  add(kTerritory, territory);
  add(kSurname, v.holder.surname);
  add(kGivenNames, v.holder.given_names);
  if (v.holder.date_of_birth) add(kBirth, FormatIsoDate(*v.holder.date_of_birth));
  add(kNationality, v.holder.nationality);
  add(kDocument, v.holder.travel_document_number);
  add(kRemarks, v.remarks);
  add(kIssuedBy, v.issuing_authority);
  add(kIssuedOn, FormatIsoDate(v.issued_on));
  doc.barcode_payload = v.seal;
  doc.verify_url = base_url + "/verify";
  doc.verify_text =
      "Scan the code or enter the visa number at " + doc.verify_url +
      " to check this visa. The code is signed by the issuing state and can be checked "
      "offline at the border.";
  doc.created = now;
  return pdf::RenderPdf(doc);
}

}  // namespace openvap::api
