#ifndef OPENVAP_RULES_STAY_H_
#define OPENVAP_RULES_STAY_H_

// The 90/180-day rule (Schengen Borders Code, Reg (EU) 2016/399 Art 6(1); Visa Code Art 1(1)):
// no more than 90 days in any 180-day period, "which entails considering the 180-day period
// preceding each day of stay". The window for a day D is D-179 .. D, both included; the day of
// entry and the day of exit each count as a day of stay.

#include <optional>
#include <span>

#include "base/time.h"

namespace openvap::rules {

// A stay from `from` to `to`, both days included.
struct Period {
  Date from;
  Date to;
};

inline constexpr int kMaxDaysInWindow = 90;
inline constexpr int kWindowDays = 180;

struct StayAssessment {
  // Days of previous stays in the 179 days before the first planned day.
  int days_used = 0;
  // 90 - days_used, never negative.
  int days_remaining = 0;
  // Whether every day of the planned stays keeps to 90 days in the window ending that day.
  bool fits = true;
  // The first planned day on which the limit would be exceeded.
  std::optional<Date> first_day_over;
  // The last day the person may stay when entering on the first planned day and staying without
  // a break; empty when even the first day would exceed the limit.
  std::optional<Date> latest_exit;
};

// `planned` must not be empty. Overlapping periods count each day once.
StayAssessment AssessStay(std::span<const Period> previous, std::span<const Period> planned);

// Days in `periods` (each counted once) inside the window of 180 days ending on `day`.
int DaysInWindowEnding(std::span<const Period> periods, Date day);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_STAY_H_
