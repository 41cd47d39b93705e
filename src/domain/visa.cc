#include "domain/visa.h"

#include <array>
#include <cctype>
#include <cstdint>

namespace openvap::domain {
namespace {

constexpr std::array<std::pair<VisaType, std::string_view>, 4> kTypeCodes{{
    {VisaType::kAirportTransit, "A"},
    {VisaType::kUniform, "C"},
    {VisaType::kLimitedTerritorialValidity, "LTV"},
    {VisaType::kLongStay, "D"},
}};

constexpr std::array<std::pair<VisaStatus, std::string_view>, 3> kStatusNames{{
    {VisaStatus::kIssued, "issued"},
    {VisaStatus::kAnnulled, "annulled"},
    {VisaStatus::kRevoked, "revoked"},
}};

// ICAO 9303 Part 3 §4.9: weights 7, 3, 1; digits are their value, letters A-Z 10-35.
int CheckDigit(std::string_view text) {
  constexpr int kWeights[] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    int value = 0;
    if (c >= '0' && c <= '9') value = c - '0';
    if (c >= 'A' && c <= 'Z') value = c - 'A' + 10;
    sum += value * kWeights[i % 3];
  }
  return sum % 10;
}

}  // namespace

std::string ValidityArea(const DigitalVisa& visa) {
  switch (visa.type) {
    case VisaType::kAirportTransit:
      return "the international transit areas of the Schengen States' airports";
    case VisaType::kLongStay:
      return visa.issuing_state;
    case VisaType::kUniform:
    case VisaType::kLimitedTerritorialValidity:
      break;
  }
  if (visa.territory.empty()) return "all Schengen States";
  std::string states;
  for (const std::string& state : visa.territory) states += (states.empty() ? "" : ", ") + state;
  return states;
}

std::string_view VisaTypeCode(VisaType type) {
  for (const auto& [t, code] : kTypeCodes) {
    if (t == type) return code;
  }
  return "?";
}

Result<VisaType> ParseVisaTypeCode(std::string_view code) {
  for (const auto& [t, c] : kTypeCodes) {
    if (c == code) return t;
  }
  return Error{"invalid-visa-type",
               "unknown visa type '" + std::string(code) + "' (A, C, LTV or D)"};
}

std::string_view VisaStatusName(VisaStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

Result<VisaStatus> ParseVisaStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return Error{"invalid-visa-status", "unknown visa status '" + std::string(name) + "'"};
}

std::string_view VisaValidityName(VisaValidity validity) {
  switch (validity) {
    case VisaValidity::kValid:
      return "valid";
    case VisaValidity::kNotYetValid:
      return "not-yet-valid";
    case VisaValidity::kExpired:
      return "expired";
    case VisaValidity::kAnnulled:
      return "annulled";
    case VisaValidity::kRevoked:
      return "revoked";
  }
  return "unknown";
}

VisaValidity ValidityOn(const DigitalVisa& visa, Date day) {
  if (visa.status == VisaStatus::kAnnulled) return VisaValidity::kAnnulled;
  if (visa.status == VisaStatus::kRevoked) return VisaValidity::kRevoked;
  if (DaysBetween(visa.valid_from, day) < 0) return VisaValidity::kNotYetValid;
  if (DaysBetween(day, visa.valid_until) < 0) return VisaValidity::kExpired;
  return VisaValidity::kValid;
}

VisaNumber NewVisaNumber(std::string_view issuing_state_alpha3, RandomSource& random) {
  std::array<std::uint8_t, 8> bytes{};
  random.Fill(bytes);
  std::string digits;
  for (std::uint8_t b : bytes) digits.push_back(static_cast<char>('0' + b % 10));
  digits.push_back(static_cast<char>('0' + CheckDigit(digits)));
  return VisaNumber(std::string(issuing_state_alpha3) + digits);
}

Status ValidateVisaNumber(std::string_view number) {
  const auto fail = [&](const std::string& why) {
    return Error{"invalid-visa-number", "'" + std::string(number) +
                                            "' is not a visa number (three letters and nine "
                                            "digits, e.g. FRA123456788): " +
                                            why};
  };
  if (number.size() != 12) return fail("wrong length");
  for (std::size_t i = 0; i < 3; ++i) {
    if (number[i] < 'A' || number[i] > 'Z') return fail("must start with three capital letters");
  }
  for (std::size_t i = 3; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(number[i]))) return fail("non-digit characters");
  }
  if (number[11] - '0' != CheckDigit(number.substr(3, 8))) {
    return fail("the check digit does not match; please check the number for typing errors");
  }
  return Ok();
}

}  // namespace openvap::domain
