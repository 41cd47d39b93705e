#include "rules/visa_requirement.h"

namespace openvap::rules {
namespace {

bool IsStatelessOrRefugeeCode(std::string_view code) {
  // ICAO Doc 9303-3: XXA stateless, XXB refugee (1951 Convention), XXC other refugee,
  // XXX unspecified nationality.
  return code == "XXA" || code == "XXB" || code == "XXC" || code == "XXX";
}

bool IsOfficialPassport(std::string_view type) {
  return type == "diplomatic-passport" || type == "service-passport" ||
         type == "official-passport" || type == "special-passport";
}

}  // namespace

std::string NormaliseNationality(std::string_view code) {
  if (code == "D" || code == "D<<") return "DEU";
  if (code == "RKS") return "XKX";  // ICAO code for Kosovo; the table uses XKX
  return std::string(code);
}

Result<VisaRequirement> DetermineVisaRequirement(const ReferenceData& data,
                                                 std::string_view nationality,
                                                 const TravelDocumentKind& document, Date on) {
  VisaRequirement out;
  std::string code = NormaliseNationality(nationality);
  if (const SchengenState* state = data.FindStateByIso3(code)) {
    // EU citizens (Art 20 TFEU) and EEA/CH nationals are not third-country nationals.
    out.third_country_national = false;
    out.visa_required = false;
    out.list_code = code;
    out.basis = "not a third-country national (Reg (EU) 2018/1806 Art 1; Directive 2004/38/EC)";
    out.source = state->source;
    out.explanation = "nationals of " + state->name + " need no Schengen visa";
    return out;
  }
  if (IsStatelessOrRefugeeCode(code)) {
    if (document.issuing_country.empty()) {
      return Error{"unknown-nationality",
                   "nationality " + code +
                       ": for stateless persons and refugees the visa requirement follows the "
                       "country that issued the travel document; give "
                       "travel_document.issuing_country"};
    }
    code = NormaliseNationality(document.issuing_country);
    if (data.FindStateByIso3(code) != nullptr) {
      // Reg 2018/1806 Art 4(2)(b): refugees and stateless persons residing in a Member State and
      // holding a travel document issued by it are exempt.
      out.visa_required = false;
      out.list_code = code;
      out.basis = "Reg (EU) 2018/1806 Art 4(2)(b)";
      out.explanation =
          "refugees and stateless persons holding a travel document issued by a Member State "
          "are exempt";
      return out;
    }
  }
  const VisaListEntry* entry = data.FindVisaListEntry(code);
  if (entry == nullptr) {
    return Error{"unknown-nationality", "nationality '" + std::string(nationality) +
                                            "' is in neither Annex I nor Annex II of Reg (EU) "
                                            "2018/1806 (visa_requirement.csv)"};
  }
  out.list_code = entry->iso3;
  out.source = entry->source;
  out.listed_since = entry->valid_from;
  if (entry->annex == VisaAnnex::kAnnexI) {
    out.visa_required = true;
    out.basis = "Reg (EU) 2018/1806 Art 3(1), Annex I";
    out.explanation = entry->name + " is listed in Annex I";
  } else {
    out.visa_required = false;
    out.basis = "Reg (EU) 2018/1806 Art 4(1), Annex II";
    out.explanation =
        entry->name + " is listed in Annex II (stays of up to 90 days in any " + "180-day period)";
    // Annex II footnotes (exemption_condition).
    const std::string& condition = entry->exemption_condition;
    if ((condition == "biometric_passport_only" || condition == "biometric_passport_icao_only") &&
        !document.biometric) {
      out.visa_required = true;
      out.explanation += "; the exemption applies only to holders of biometric passports";
    } else if (condition == "hksar_passport_only" && document.issuing_country != "HKG") {
      out.visa_required = true;
      out.explanation += "; the exemption applies only to HKSAR passports";
    } else if (condition == "raem_passport_only" && document.issuing_country != "MAC") {
      out.visa_required = true;
      out.explanation += "; the exemption applies only to RAEM (Macao) passports";
    } else if (condition == "agreement_in_force_required") {
      out.explanation +=
          "; the exemption depends on a visa waiver agreement in force (unconfirmed, see "
          "data/refdata/README.md)";
    } else if (condition == "taiwan_passport_with_id_number_only") {
      out.explanation += "; only for passports that include an identity card number";
    }
    // Suspension of the exemption for some passport categories (Arts 8-8f).
    if (!entry->suspended_categories.empty() && IsOfficialPassport(document.type) &&
        entry->suspension_from && *entry->suspension_from <= on &&
        (!entry->suspension_until || on <= *entry->suspension_until)) {
      out.visa_required = true;
      out.basis = "Reg (EU) 2018/1806 Art 8 (suspension of the exemption)";
      out.explanation +=
          "; the exemption is suspended for " + entry->suspended_categories + " from " +
          FormatIsoDate(*entry->suspension_from) +
          (entry->suspension_until ? " until " + FormatIsoDate(*entry->suspension_until)
                                   : std::string());
    }
  }
  if (entry->valid_from && on < *entry->valid_from) {
    out.explanation += "; note: this listing applies from " + FormatIsoDate(*entry->valid_from) +
                       ", the table does not hold the earlier status";
  }
  return out;
}

AirportTransitRequirement DetermineAirportTransitRequirement(const ReferenceData& data,
                                                             std::string_view nationality,
                                                             bool family_member_of_eu_citizen,
                                                             Date on) {
  AirportTransitRequirement out;
  const AirportTransitEntry* entry =
      data.FindAirportTransitEntry(NormaliseNationality(nationality));
  if (entry == nullptr || on < entry->valid_from) {
    out.basis = "not on the common list (Visa Code Annex IV)";
    return out;
  }
  out.source = entry->source;
  if (family_member_of_eu_citizen) {
    out.basis = "Visa Code Annex IV, exempt as a family member of a Union citizen (Art 3(5))";
    return out;
  }
  out.required = true;
  out.basis =
      "Visa Code Art 3(1), Annex IV (unless exempt under Art 3(5), e.g. holding a valid visa or "
      "residence permit of a Member State, CA, JP or US)";
  return out;
}

}  // namespace openvap::rules
