#ifndef OPENVAP_RULES_VISA_REQUIREMENT_H_
#define OPENVAP_RULES_VISA_REQUIREMENT_H_

// Who needs a visa (VAP-INFO): Reg (EU) 2018/1806 Annex I (visa required, Art 3(1)) and Annex II
// (exempt for stays of up to 90 days in any 180-day period, Art 4(1)), with the footnoted
// conditions and suspensions of visa_requirement.csv; and the common airport-transit-visa list
// of Visa Code Annex IV (Art 3(1)).

#include <openvap/result.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "rules/reference_data.h"

namespace openvap::rules {

// What the rules need to know about the travel document.
struct TravelDocumentKind {
  // ordinary-passport, diplomatic-passport, service-passport, official-passport,
  // special-passport, alien-passport, refugee-travel-document, stateless-travel-document, other
  std::string type = "ordinary-passport";
  std::string issuing_country;  // alpha-3
  bool biometric = true;        // ICAO-compliant biometric passport (Annex II footnotes)
};

struct VisaRequirement {
  // False for nationals of an EU/EEA state or Switzerland: not third-country nationals, so the
  // visa rules do not apply to them at all.
  bool third_country_national = true;
  bool visa_required = true;
  std::string list_code;  // the visa_requirement.csv row used (nationality, or issuer for
                          // stateless persons and refugees)
  std::string basis;      // e.g. "Reg (EU) 2018/1806 Art 3(1), Annex I"
  std::string source;     // the row's source keys (data/refdata/README.md)
  std::optional<Date> listed_since;
  std::string explanation;
};

// The visa requirement for a person of `nationality` (ICAO/ISO alpha-3; "D" and "RKS" are read
// as DEU and XKX) crossing the external border on `on`. Stateless persons and refugees (XXA,
// XXB, XXC, XXX) follow the country that issued their travel document (Art 3(2), Art 4(2)(b)
// read with the lists). Errors: "unknown-nationality" for a code in no table.
Result<VisaRequirement> DetermineVisaRequirement(const ReferenceData& data,
                                                 std::string_view nationality,
                                                 const TravelDocumentKind& document, Date on);

struct AirportTransitRequirement {
  bool required = false;
  std::string basis;
  std::string source;
};

// Visa Code Art 3(1) and Annex IV: nationals of the listed countries need an airport transit
// visa to pass through the international transit areas of Schengen airports. Family members of
// Union citizens are exempt (Art 3(5)); the other Art 3(5) exemptions (holders of residence
// permits or visas of listed states, diplomatic passports, flight crew) are not modelled and are
// named in `basis`. National lists under Art 3(2) are not in the table.
AirportTransitRequirement DetermineAirportTransitRequirement(const ReferenceData& data,
                                                             std::string_view nationality,
                                                             bool family_member_of_eu_citizen,
                                                             Date on);

// "D" -> "DEU", "RKS" -> "XKX"; other codes unchanged.
std::string NormaliseNationality(std::string_view code);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_VISA_REQUIREMENT_H_
