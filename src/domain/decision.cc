#include "domain/decision.h"

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

bool IsAppealable(DecisionKind kind) {
  return kind == DecisionKind::kRefuse || kind == DecisionKind::kAnnul ||
         kind == DecisionKind::kRevoke || kind == DecisionKind::kRefuseConfirmation ||
         kind == DecisionKind::kInadmissible;
}

}  // namespace openvap::domain
