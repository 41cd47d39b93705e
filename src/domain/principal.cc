#include "domain/principal.h"

#include <array>
#include <utility>

namespace openvap::domain {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 9> kRoleNames{{
    {Role::kApplicant, "applicant"},
    {Role::kRepresentative, "representative"},
    {Role::kConsularOfficer, "consular-officer"},
    {Role::kCentralAuthority, "central-authority"},
    {Role::kServiceProvider, "service-provider"},
    {Role::kBorderGuard, "border-guard"},
    {Role::kPublicVerifier, "public-verifier"},
    {Role::kAdministrator, "administrator"},
    {Role::kSystem, "system"},
}};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoleNames) {
    if (n == name) return r;
  }
  return Error{"invalid-role", "unknown role '" + std::string(name) + "'"};
}

bool IsMemberStateOfficial(Role role) {
  return role == Role::kConsularOfficer || role == Role::kCentralAuthority ||
         role == Role::kBorderGuard || role == Role::kServiceProvider;
}

}  // namespace openvap::domain
