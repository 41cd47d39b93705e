#include "domain/store.h"

#include <cstdint>
#include <set>

namespace openvap::domain {

std::string NewAccountMessageId(Timestamp created_at, RandomSource& random) {
  constexpr std::string_view kHex = "0123456789abcdef";
  const auto millis = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(created_at.time_since_epoch()).count());
  std::string id = "msg-";
  for (int shift = 44; shift >= 0; shift -= 4) id += kHex[(millis >> shift) & 0xF];
  return id + "-" + random.HexToken(8);
}

Status Outbox::Enqueue(const OutgoingMail& mail) {
  std::set<std::string> sent;
  for (const std::string& address : mail.to) {
    if (!sent.insert(address).second) continue;
    OPENVAP_RETURN_IF_ERROR(
        EnqueueOne(OutgoingMail{{address}, mail.subject, mail.text, mail.kind}));
  }
  return Ok();
}

}  // namespace openvap::domain
