#include "rules/notification.h"

namespace openvap::rules {
namespace {

int Digits2(std::string_view text, std::size_t pos) {
  if (pos + 2 > text.size()) return -1;
  const char a = text[pos];
  const char b = text[pos + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
  return (a - '0') * 10 + (b - '0');
}

}  // namespace

Result<std::chrono::seconds> FixedOffsetTimeZones::OffsetAt(std::string_view zone,
                                                            Timestamp /*instant*/) const {
  std::string_view rest = zone;
  if (rest == "UTC" || rest == "Z" || rest == "Etc/UTC") return std::chrono::seconds(0);
  if (rest.substr(0, 3) == "UTC") rest.remove_prefix(3);
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    const int h = Digits2(rest, 1);
    const int m = Digits2(rest, 4);
    if (h >= 0 && h <= 14 && m >= 0 && m <= 59) {
      const std::chrono::seconds offset = std::chrono::hours(h) + std::chrono::minutes(m);
      return rest[0] == '+' ? offset : -offset;
    }
  }
  return Error{"unknown-time-zone",
               "'" + std::string(zone) + "' is not a fixed UTC offset (UTC, +HH:MM, -HH:MM)"};
}

Result<Date> LocalDateOf(const TimeZones& zones, std::string_view zone, Timestamp instant) {
  OPENVAP_ASSIGN_OR_RETURN(const std::chrono::seconds offset, zones.OffsetAt(zone, instant));
  return UtcDateOf(instant + offset);
}

Result<Timestamp> StartOfLocalDay(const TimeZones& zones, std::string_view zone, Date date) {
  const Timestamp local_midnight_as_utc = StartOfDayUtc(date);
  // Two steps find the offset in effect at local midnight (it may differ from the offset at UTC
  // midnight around a DST change).
  OPENVAP_ASSIGN_OR_RETURN(const std::chrono::seconds first,
                           zones.OffsetAt(zone, local_midnight_as_utc));
  OPENVAP_ASSIGN_OR_RETURN(const std::chrono::seconds second,
                           zones.OffsetAt(zone, local_midnight_as_utc - first));
  Timestamp start = local_midnight_as_utc - second;
  OPENVAP_ASSIGN_OR_RETURN(const Date check, LocalDateOf(zones, zone, start));
  if (check < date) {
    // Midnight fell into a gap: the day begins when the gap ends.
    start = local_midnight_as_utc - first;
  }
  return start;
}

Result<RefusalNotification> DetermineRefusalNotification(const TimeZones& zones,
                                                         const RefusalNotificationFacts& facts) {
  const std::string& zone = facts.residence_time_zone;
  RefusalNotification out;
  OPENVAP_ASSIGN_OR_RETURN(out.message_sent_on, LocalDateOf(zones, zone, facts.message_sent_at));
  // Art 32(2): "on the eighth day following the date on which the electronic message ... was
  // sent".
  out.presumed_access_on = AddDays(out.message_sent_on, kPresumedAccessDay);
  OPENVAP_ASSIGN_OR_RETURN(const Timestamp presumed_start,
                           StartOfLocalDay(zones, zone, out.presumed_access_on));
  out.notified_on = out.presumed_access_on;
  out.appeal_period_starts_at = presumed_start;
  out.presumed = true;
  out.basis =
      "Visa Code Art 32(2): deemed accessed on the eighth day following the message, in the time "
      "zone of the applicant's residence";
  if (facts.accessed_at) {
    if (*facts.accessed_at < facts.message_sent_at) {
      return Error{"invalid-field", "decision.accessed_at: before the message was sent"};
    }
    if (*facts.accessed_at < presumed_start) {
      OPENVAP_ASSIGN_OR_RETURN(out.notified_on, LocalDateOf(zones, zone, *facts.accessed_at));
      out.appeal_period_starts_at = *facts.accessed_at;
      out.presumed = false;
      out.basis =
          "Visa Code Art 32(2): the time limit begins when the applicant accesses the decision, "
          "in the time zone of the applicant's residence";
    }
  }
  if (facts.appeal_period_days) {
    if (*facts.appeal_period_days <= 0) {
      return Error{"invalid-field", "decision.appeal_period_days: must be a positive number"};
    }
    out.appeal_deadline = AddDays(out.notified_on, *facts.appeal_period_days);
  }
  return out;
}

}  // namespace openvap::rules
