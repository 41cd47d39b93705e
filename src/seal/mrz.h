#ifndef OPENVAP_SEAL_MRZ_H_
#define OPENVAP_SEAL_MRZ_H_

// Machine-readable zones (ICAO Doc 9303 Parts 3-7): parsing of TD1 (3 x 30), TD2 (2 x 36),
// TD3 (2 x 44), MRV-A (2 x 44) and MRV-B (2 x 36) with their check digits, and the check digit
// itself. Seals carry MRZ text without line breaks, sometimes shortened (the VDS visa profile
// keeps the first 28 characters of line 2); the parser accepts those lengths.

#include <openvap/result.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openvap::seal {

// ICAO 9303-3 §4.9: weights 7, 3, 1; digits their value, A-Z 10-35, '<' 0; sum mod 10.
// Returns -1 for characters outside the MRZ set.
int MrzCheckDigit(std::string_view text);

struct MrzCheck {
  std::string field;  // "document_number", "date_of_birth", "date_of_expiry", "composite", ...
  bool valid = false;
};

struct Mrz {
  std::string format;         // "TD1", "TD2", "TD3", "MRV-A", "MRV-B"
  std::string document_code;  // e.g. "P", "V", "ID", "AR"
  std::string issuing_state;
  std::string surname;
  std::string given_names;
  std::string document_number;
  std::string nationality;
  std::string date_of_birth;  // YYMMDD as printed
  std::string sex;
  std::string date_of_expiry;  // YYMMDD as printed
  std::string optional_data;
  std::vector<MrzCheck> checks;  // each check digit present, valid or not
  std::string text;              // the input
};

// `format_hint` picks among equal lengths (TD3 and MRV-A are both 88). Errors:
// "malformed-mrz" when the length fits no format or characters are outside A-Z 0-9 <.
Result<Mrz> ParseMrz(std::string_view text, std::string_view format_hint = "");

nlohmann::json ToJson(const Mrz& mrz);

}  // namespace openvap::seal

#endif  // OPENVAP_SEAL_MRZ_H_
