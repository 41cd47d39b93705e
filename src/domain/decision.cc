#include "domain/decision.h"

#include <algorithm>
#include <array>
#include <utility>

namespace openvap::domain {
namespace {

constexpr std::array<std::pair<DecisionKind, std::string_view>, 9> kNames{{
    {DecisionKind::kIssue, "issue"},
    {DecisionKind::kRefuse, "refuse"},
    {DecisionKind::kAnnul, "annul"},
    {DecisionKind::kRevoke, "revoke"},
    {DecisionKind::kExtend, "extend"},
    {DecisionKind::kConfirm, "confirm"},
    {DecisionKind::kRefuseConfirmation, "refuse-confirmation"},
    {DecisionKind::kNotCompetent, "not-competent"},
    {DecisionKind::kInadmissible, "inadmissible"},
}};

}  // namespace

std::string_view DecisionKindName(DecisionKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

Result<DecisionKind> ParseDecisionKind(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return Error{"invalid-field", "kind: unknown decision '" + std::string(name) + "'"};
}

bool IsAppealable(const Decision& d) {
  constexpr int kAtTheHoldersRequest = 17;
  if (d.kind == DecisionKind::kRevoke &&
      std::all_of(d.grounds.begin(), d.grounds.end(),
                  [](int g) { return g == kAtTheHoldersRequest; }) &&
      !d.grounds.empty()) {
    return false;
  }
  return d.kind == DecisionKind::kRefuse || d.kind == DecisionKind::kAnnul ||
         d.kind == DecisionKind::kRevoke || d.kind == DecisionKind::kRefuseConfirmation;
}

}  // namespace openvap::domain
