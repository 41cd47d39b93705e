#ifndef OPENVAP_ADAPTERS_OUTBOUND_OUTBOUND_H_
#define OPENVAP_ADAPTERS_OUTBOUND_OUTBOUND_H_

// Outbound adapters to other systems, run by background jobs with retries:
// the national visa system (VIS 7d(10): the accepted file leaves temporary storage for it),
// the Entry/Exit System (VIS 12a(2), 13(3), 14(3); DV-EES), and webhooks. Each is either an
// HTTPS endpoint (JSON POST) or, for a deployment without one yet and for the demo, a
// directory where each delivery is written as a file (an "outbox folder" another process
// collects).

#include <openvap/result.h>

#include <nlohmann/json.hpp>
#include <string>

namespace openvap::outbound {

// POSTs `body` as JSON. Errors: "delivery-temporary" (connection failed, timeout, 5xx, 429:
// retry) or "delivery-permanent" (4xx: the receiver refuses this content).
Status PostJson(const std::string& url, const std::string& body,
                const std::vector<std::string>& headers = {}, long timeout_seconds = 30);

// Where deliveries of one kind go: "https://..." / "http://..." or "file:///dir".
class Destination {
 public:
  explicit Destination(std::string target) : target_(std::move(target)) {}
  // Delivers `document` under `name` (file name, or the X-OpenVAP-Delivery header).
  // Idempotent for the same name: a redelivery overwrites.
  Status Deliver(const std::string& name, const nlohmann::json& document) const;
  const std::string& target() const { return target_; }

 private:
  std::string target_;
};

}  // namespace openvap::outbound

#endif  // OPENVAP_ADAPTERS_OUTBOUND_OUTBOUND_H_
