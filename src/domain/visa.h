#ifndef OPENVAP_DOMAIN_VISA_H_
#define OPENVAP_DOMAIN_VISA_H_

// The digital visa (DV-REC): a record with a unique visa number and the uniform-format data
// (VC Arts 26a, 27; VIS Art 10(1)), notified to the holder as a signed 2D barcode (DV-SEAL).

#include <openvap/result.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/random.h"
#include "base/time.h"

namespace openvap::domain {

enum class VisaType {
  kAirportTransit,              // A (VC Art 2(5), Art 26)
  kUniform,                     // C (VC Art 2(3), Art 24)
  kLimitedTerritorialValidity,  // LTV (VC Art 25)
  kLongStay,                    // D, national long-stay visa (CISA Art 18; DV-LONG)
};

// "A", "C", "LTV", "D" as in the VIS and on the uniform format.
std::string_view VisaTypeCode(VisaType type);
Result<VisaType> ParseVisaTypeCode(std::string_view code);

enum class VisaStatus {
  kIssued,    // issued and not withdrawn (it may still be not yet valid or expired by date)
  kAnnulled,  // VC Art 34(1)
  kRevoked,   // VC Art 34(2), or after a refused confirmation (VC Art 32a(9))
};

std::string_view VisaStatusName(VisaStatus status);
Result<VisaStatus> ParseVisaStatus(std::string_view name);

// The holder as the visa names them (VIS Art 9(4)(a)-(c)).
struct VisaHolder {
  std::string surname;
  std::string given_names;
  std::optional<Date> date_of_birth;
  std::string sex;          // "F", "M" or "X" (ICAO 9303)
  std::string nationality;  // ISO 3166-1 alpha-3 / ICAO code
  std::string travel_document_type;
  std::string travel_document_number;
  std::string travel_document_issuing_country;  // alpha-3
  std::optional<Date> travel_document_expires_on;
};

struct DigitalVisa {
  VisaNumber number;
  ApplicationId application;
  VisaType type = VisaType::kUniform;
  std::string issuing_state;      // ISO 3166-1 alpha-2 of the issuing Member State
  std::string issuing_authority;  // consulate or authority, with its location (VIS 10(1)(b))
  std::string place_of_issue;
  Date issued_on{};
  // Territory of validity (VIS 10(1)(f)): empty means all Schengen States; for LTV the
  // alpha-2 codes of the states where it is valid (VC Art 25(2)).
  std::vector<std::string> territory;
  Date valid_from{};
  Date valid_until{};
  int entries = 1;                // 1, 2, or 0 for multiple entries (VIS 10(1)(h))
  int duration_of_stay_days = 0;  // VIS 10(1)(i)
  VisaHolder holder;
  std::string remarks;  // national comments (VC Art 27(2)); never repeat mandatory data
  bool family_member_of_eu_citizen = false;     // VIS 10(1)(l)
  std::optional<std::string> replaces_sticker;  // DV-STICKER: the invalidated sticker's number
  VisaStatus status = VisaStatus::kIssued;
  // When it was annulled or revoked: the start of the register's five years (VIS Art 23(1)(d)),
  // whichever application the decision answered.
  std::optional<Timestamp> withdrawn_at;
  Bytes seal;  // the signed VDS (DV-SEAL)
};

// What a check of the visa on a given day finds (VAP-VERIFY, DV-CHECK).
enum class VisaValidity { kValid, kNotYetValid, kExpired, kAnnulled, kRevoked };
std::string_view VisaValidityName(VisaValidity validity);
VisaValidity ValidityOn(const DigitalVisa& visa, Date day);

// Where `visa` lets its holder be, in words: an A visa the airports' international transit
// areas (VC Art 3), a C visa all Schengen States (Art 24(1)), an LTV its states, "FR, DE" (Art
// 25(2)), a D visa its issuing state (a national visa, CISA Art 18).
std::string ValidityArea(const DigitalVisa& visa);

// Visa numbers keep the shape of uniform-format sticker numbers (Reg 856/2008: the issuing
// state's three-letter code and nine digits) so that existing border systems accept them; the
// ninth digit is an ICAO 9303 check digit over the first eight, which catches mistyped numbers
// in look-ups before they reach the register. Digits are random, so that numbers do not
// reveal issuing volumes or invite enumeration.
VisaNumber NewVisaNumber(std::string_view issuing_state_alpha3, RandomSource& random);

// Checks the shape and the check digit. Errors: "invalid-visa-number".
Status ValidateVisaNumber(std::string_view number);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_VISA_H_
