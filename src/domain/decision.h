#ifndef OPENVAP_DOMAIN_DECISION_H_
#define OPENVAP_DOMAIN_DECISION_H_

// Decisions on applications and on issued visas (VIS Arts 10-14, 7g; VC Arts 23, 32-34,
// 32a, 33), made available in the secure account (VAP-DEC) with the dates of actual or presumed
// notification (VAP-NOTIFY).

#include <openvap/result.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/time.h"

namespace openvap::domain {

enum class DecisionKind {
  kIssue,               // VC Art 24-27; VIS 10
  kRefuse,              // VC Art 32; VIS 12
  kAnnul,               // VC Art 34(1); VIS 13
  kRevoke,              // VC Art 34(2); VIS 13
  kExtend,              // VC Art 33; VIS 14
  kConfirm,             // VC Art 32a(7): confirmation in a new travel document
  kRefuseConfirmation,  // VC Art 32a(9): refused, and the visa revoked
  kNotCompetent,        // VIS 7d(11); VC Art 18(4)
  kInadmissible,        // VC Art 19(3)
};

std::string_view DecisionKindName(DecisionKind kind);
Result<DecisionKind> ParseDecisionKind(std::string_view name);

struct Decision {
  DecisionId id;
  ApplicationId application;
  std::optional<VisaNumber> visa;
  DecisionKind kind = DecisionKind::kIssue;
  std::string member_state;  // alpha-2 of the deciding state
  std::string authority;     // consulate or authority, with its location
  std::string place;
  AccountId decided_by;
  Timestamp decided_at{};
  std::vector<int> grounds;  // Annex VI ground numbers (refusal, annulment, revocation)
  std::string remarks;
  // VC Art 32(2): in the official language(s) of the deciding state and another EU language.
  std::string state_language;  // ISO 639-1
  std::string text_state_language;
  std::string text_english;
  std::string confirmation_number;  // VC Art 32a(8)
  // VAP-NOTIFY: the message telling the person, and actual or presumed access.
  std::optional<Timestamp> message_sent_at;
  std::optional<Timestamp> accessed_at;
  std::optional<Date> presumed_notified_on;
  std::optional<Timestamp> presumed_message_sent_at;
  std::string residence_time_zone;  // IANA name, from the form (VC Art 32(2))
};

// Whether the person concerned may appeal (VC Arts 32(3), 34(7)): refusals, annulments,
// revocations and refused confirmations (a revocation, Art 32a(9)) — except a revocation at the
// holder's own request (ground 17 alone, Art 34(3), Annex VI: "not subject to the right of
// appeal"). Not inadmissibility: VC Art 19(3) returns the file and the fee, and gives no appeal
// (the person may apply again); nor decisions that grant what was asked.
bool IsAppealable(const Decision& d);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_DECISION_H_
