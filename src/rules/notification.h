#ifndef OPENVAP_RULES_NOTIFICATION_H_
#define OPENVAP_RULES_NOTIFICATION_H_

// Decision dates (VAP-NOTIFY; Visa Code Art 32(2) as replaced by Reg (EU) 2023/2667): "The
// decision shall be deemed to have been accessed by the applicant on the eighth day following
// the date on which the electronic message ... was sent. From that day the decision shall be
// presumed to have been notified." The time limit for an appeal begins from actual or presumed
// access and "shall be counted according to the time zone of the applicant's residence".
//
// Time zones are an interface: the rules stay pure (no tz database files); src/app implements
// it over the system tz database, tests use fixed offsets or a fake.

#include <openvap/result.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/time.h"

namespace openvap::rules {

class TimeZones {
 public:
  virtual ~TimeZones() = default;
  // The offset from UTC in effect in `zone` (an IANA name such as "Europe/Paris") at `instant`.
  // Errors: "unknown-time-zone".
  virtual Result<std::chrono::seconds> OffsetAt(std::string_view zone, Timestamp instant) const = 0;
};

// Only fixed offsets: "UTC", "Z", "+HH:MM", "-HH:MM", "UTC+HH:MM", "UTC-HH:MM".
class FixedOffsetTimeZones final : public TimeZones {
 public:
  Result<std::chrono::seconds> OffsetAt(std::string_view zone, Timestamp instant) const override;
};

// The calendar date in `zone` at `instant`.
Result<Date> LocalDateOf(const TimeZones& zones, std::string_view zone, Timestamp instant);
// The instant at which `date` begins (00:00 local time) in `zone`. When midnight does not exist
// (a DST gap at midnight) the first instant of the day after the gap.
Result<Timestamp> StartOfLocalDay(const TimeZones& zones, std::string_view zone, Date date);

struct RefusalNotificationFacts {
  Timestamp message_sent_at;
  std::string residence_time_zone;
  std::optional<Timestamp> accessed_at;   // when the applicant opened the decision, if known
  std::optional<int> appeal_period_days;  // the national time limit, if known
};

struct RefusalNotification {
  Date message_sent_on;     // local date (residence) of the electronic message
  Date presumed_access_on;  // the eighth day following that date
  Date notified_on;         // actual access if earlier, otherwise the presumed day
  bool presumed = true;
  Timestamp appeal_period_starts_at;  // actual access instant, or 00:00 local of the presumed day
  // Last day to appeal when the national period is `appeal_period_days` days counted from the
  // day after notification (Reg (EEC, Euratom) 1182/71 Art 3(1) reading; national law decides).
  std::optional<Date> appeal_deadline;
  std::string basis;
};

// Errors: "unknown-time-zone"; "invalid-field" when access precedes the message or the appeal
// period is not positive.
Result<RefusalNotification> DetermineRefusalNotification(const TimeZones& zones,
                                                         const RefusalNotificationFacts& facts);

inline constexpr int kPresumedAccessDay = 8;

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_NOTIFICATION_H_
