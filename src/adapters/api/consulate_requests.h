#ifndef OPENVAP_ADAPTERS_API_CONSULATE_REQUESTS_H_
#define OPENVAP_ADAPTERS_API_CONSULATE_REQUESTS_H_

// The bodies of the consulate's decisions as domain values (consulate_routes.cc). Only the
// request's shape is checked here: types, and numbers that fit without being cut; the rules of
// the Code (validity, stay, grounds per decision) are the domain's (ExaminationService).

#include <openvap/result.h>

#include <nlohmann/json.hpp>
#include <string>

#include "domain/examination_service.h"

namespace openvap::api {

// {"type", "valid_from", "valid_until", "entries": 1 | 2 | "multiple", "duration_of_stay_days",
//  "territory"?, "remarks"?}
Result<domain::VisaTerms> ParseTerms(const nlohmann::json& body);
// A holder, or a new travel document, at `path`: {"surname", "given_names", "sex",
// "nationality", "date_of_birth", "travel_document_type", "travel_document_number",
// "travel_document_issuing_country", "travel_document_expires_on"}, all optional; any other
// member is refused by name.
Result<domain::VisaHolder> ParseHolder(const nlohmann::json& body, const std::string& path);
// {"grounds"?: [Annex VI numbers, each once], "remarks"?}
Result<domain::OfficialAct> ParseAct(const nlohmann::json& body);

}  // namespace openvap::api

#endif  // OPENVAP_ADAPTERS_API_CONSULATE_REQUESTS_H_
