#include "domain/application_status.h"

#include <array>
#include <initializer_list>
#include <string>

namespace openvap::domain {
namespace {

constexpr std::array<std::pair<ApplicationStatus, std::string_view>, 9> kStatusNames{{
    {ApplicationStatus::kDraft, "draft"},
    {ApplicationStatus::kSubmitted, "submitted"},
    {ApplicationStatus::kNotified, "notified"},
    {ApplicationStatus::kAccepted, "accepted"},
    {ApplicationStatus::kNotCompetent, "not-competent"},
    {ApplicationStatus::kInadmissible, "inadmissible"},
    {ApplicationStatus::kIssued, "issued"},
    {ApplicationStatus::kRefused, "refused"},
    {ApplicationStatus::kWithdrawn, "withdrawn"},
}};

constexpr std::array<std::pair<ApplicationKind, std::string_view>, 4> kKindNames{{
    {ApplicationKind::kShortStayVisa, "short-stay-visa"},
    {ApplicationKind::kLongStayVisa, "long-stay-visa"},
    {ApplicationKind::kVisaExtension, "visa-extension"},
    {ApplicationKind::kVisaConfirmation, "visa-confirmation"},
}};

struct Step {
  ApplicationStatus from;
  ApplicationStatus to;
  std::initializer_list<Role> roles;
};

using S = ApplicationStatus;
// The allowed steps and who takes them.
const Step kSteps[] = {
    // VIS 7d(6); VAP-HUM: an officer may lodge on the person's behalf.
    {S::kDraft,
     S::kSubmitted,
     {Role::kApplicant, Role::kRepresentative, Role::kConsularOfficer, Role::kCentralAuthority}},
    // VIS 7d(8): the platform notifies once the automated pre-checks pass. VC Art 19(4): an
    // official may also consider an application admissible on humanitarian grounds.
    {S::kSubmitted, S::kNotified, {Role::kSystem, Role::kConsularOfficer, Role::kCentralAuthority}},
    // VIS 7d(9)-(11); VC Arts 18, 19.
    {S::kNotified, S::kAccepted, {Role::kConsularOfficer, Role::kCentralAuthority}},
    {S::kNotified, S::kNotCompetent, {Role::kConsularOfficer, Role::kCentralAuthority}},
    {S::kNotified, S::kInadmissible, {Role::kConsularOfficer, Role::kCentralAuthority}},
    // VC Arts 23, 24, 32.
    {S::kAccepted, S::kIssued, {Role::kConsularOfficer, Role::kCentralAuthority}},
    {S::kAccepted, S::kRefused, {Role::kConsularOfficer, Role::kCentralAuthority}},
    // A change to a file submitted with parts missing: the declarations, which sign what was
    // submitted (VIS 7d(6)), no longer cover it, so it is a draft until submitted again.
    {S::kSubmitted,
     S::kDraft,
     {Role::kApplicant, Role::kRepresentative, Role::kConsularOfficer, Role::kCentralAuthority}},
    // Withdrawal before a decision.
    {S::kDraft, S::kWithdrawn, {Role::kApplicant, Role::kRepresentative}},
    {S::kSubmitted, S::kWithdrawn, {Role::kApplicant, Role::kRepresentative}},
    {S::kNotified, S::kWithdrawn, {Role::kApplicant, Role::kRepresentative}},
    {S::kAccepted, S::kWithdrawn, {Role::kApplicant, Role::kRepresentative}},
};

}  // namespace

std::string_view ApplicationStatusName(ApplicationStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

Result<ApplicationStatus> ParseApplicationStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return Error{"invalid-status", "unknown application status '" + std::string(name) + "'"};
}

std::string_view ApplicationKindName(ApplicationKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

Result<ApplicationKind> ParseApplicationKind(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return Error{"invalid-kind", "unknown application kind '" + std::string(name) +
                                   "' (short-stay-visa, long-stay-visa, visa-extension, "
                                   "visa-confirmation)"};
}

bool IsEditableByApplicant(ApplicationStatus status) {
  return status == ApplicationStatus::kDraft || status == ApplicationStatus::kSubmitted;
}

bool IsFinal(ApplicationStatus status) {
  return status == ApplicationStatus::kNotCompetent || status == ApplicationStatus::kInadmissible ||
         status == ApplicationStatus::kIssued || status == ApplicationStatus::kRefused ||
         status == ApplicationStatus::kWithdrawn;
}

Status CheckTransition(ApplicationStatus from, ApplicationStatus to, Role actor) {
  bool step_exists = false;
  for (const Step& step : kSteps) {
    if (step.from != from || step.to != to) continue;
    step_exists = true;
    for (Role r : step.roles) {
      if (r == actor) return Ok();
    }
  }
  if (!step_exists) {
    return Error{"invalid-transition",
                 "an application that is " + std::string(ApplicationStatusName(from)) +
                     " cannot become " + std::string(ApplicationStatusName(to))};
  }
  return Error{"forbidden", "a " + std::string(RoleName(actor)) + " may not make an application " +
                                "that is " + std::string(ApplicationStatusName(from)) + " " +
                                std::string(ApplicationStatusName(to))};
}

}  // namespace openvap::domain
