#ifndef OPENVAP_DOMAIN_PRINCIPAL_H_
#define OPENVAP_DOMAIN_PRINCIPAL_H_

// Who is acting: the roles of the platform (issue 5) and the principal a request runs as.
// Every use case takes a Principal and decides on it; the HTTP layer only establishes it.

#include <openvap/result.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"

namespace openvap::domain {

enum class Role {
  kApplicant,         // VAP-ACCT: applies for themselves through the secure account
  kRepresentative,    // VAP-FORM field 33: fills in and submits for another person
  kConsularOfficer,   // examines and decides for one Member State (VC Arts 18-32)
  kCentralAuthority,  // the Member State's central visa authority (VC Art 4)
  kServiceProvider,   // external service provider staff (VAP-ESP, VIS Art 7f)
  kBorderGuard,       // border and in-territory checks (DV-CHECK, VIS Arts 18, 19)
  kPublicVerifier,    // anyone checking a document without an account (VAP-VERIFY, RP-CHECK)
  kAdministrator,     // operates the platform: staff accounts, trust lists, retention
  kSystem,            // the platform itself: scheduled jobs, automated pre-checks
};

// Stable names used in the API and the database: "applicant", "consular-officer", ...
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

// Roles held by officials of a Member State, who act only for that state.
bool IsMemberStateOfficial(Role role);

struct Principal {
  Role role = Role::kPublicVerifier;
  std::optional<AccountId> account;  // none for public verifiers and the system
  std::string member_state;          // officials: ISO 3166-1 alpha-2 of the state they act for
  std::string organisation;          // consulate, central authority or service provider identifier
  bool mfa_verified = false;         // the session passed the second factor (VAP-ACCT)

  static Principal Public() { return {}; }
  static Principal System() {
    Principal p;
    p.role = Role::kSystem;
    return p;
  }
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_PRINCIPAL_H_
