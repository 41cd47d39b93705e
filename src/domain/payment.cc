#include "domain/payment.h"

#include <array>
#include <utility>

namespace openvap::domain {
namespace {

constexpr std::array<std::pair<PaymentStatus, std::string_view>, 5> kNames{{
    {PaymentStatus::kPending, "pending"},
    {PaymentStatus::kPaid, "paid"},
    {PaymentStatus::kFailed, "failed"},
    {PaymentStatus::kRefunded, "refunded"},
    {PaymentStatus::kCancelled, "cancelled"},
}};

}  // namespace

std::string_view PaymentStatusName(PaymentStatus status) {
  for (const auto& [s, name] : kNames) {
    if (s == status) return name;
  }
  return "unknown";
}

Result<PaymentStatus> ParsePaymentStatus(std::string_view name) {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return Error{"invalid-field", "status: unknown payment status '" + std::string(name) + "'"};
}

}  // namespace openvap::domain
