#include "rules/stay.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace openvap::rules {
namespace {

int DayNumber(Date date) {
  return static_cast<int>(std::chrono::sys_days(date).time_since_epoch().count());
}

// Marks days over a contiguous range [first, last] and answers window counts by prefix sums.
class DayMap {
 public:
  DayMap(int first, int last)
      : first_(first), marks_(static_cast<std::size_t>(last - first + 1), 0) {}

  void Mark(const Period& p) {
    const int from = std::max(DayNumber(p.from), first_);
    const int to = std::min(DayNumber(p.to), first_ + static_cast<int>(marks_.size()) - 1);
    for (int d = from; d <= to; ++d) marks_[static_cast<std::size_t>(d - first_)] = 1;
  }
  void Finish() {
    prefix_.assign(marks_.size() + 1, 0);
    for (std::size_t i = 0; i < marks_.size(); ++i) prefix_[i + 1] = prefix_[i] + marks_[i];
  }
  // Marked days in [from, to], clipped to the map.
  int Count(int from, int to) const {
    const int lo = std::max(from, first_) - first_;
    const int hi = std::min(to, first_ + static_cast<int>(marks_.size()) - 1) - first_;
    if (hi < lo) return 0;
    return prefix_[static_cast<std::size_t>(hi) + 1] - prefix_[static_cast<std::size_t>(lo)];
  }

 private:
  int first_;
  std::vector<int> marks_;
  std::vector<int> prefix_;
};

}  // namespace

int DaysInWindowEnding(std::span<const Period> periods, Date day) {
  const int end = DayNumber(day);
  DayMap map(end - (kWindowDays - 1), end);
  for (const Period& p : periods) map.Mark(p);
  map.Finish();
  return map.Count(end - (kWindowDays - 1), end);
}

StayAssessment AssessStay(std::span<const Period> previous, std::span<const Period> planned) {
  StayAssessment out;
  if (planned.empty()) return out;
  int first_planned = DayNumber(planned.front().from);
  int last_planned = DayNumber(planned.front().to);
  for (const Period& p : planned) {
    first_planned = std::min(first_planned, DayNumber(p.from));
    last_planned = std::max(last_planned, DayNumber(p.to));
  }
  // Every window that matters starts at most 179 days before the first planned day and ends at
  // most 90 days after it (latest_exit) or on the last planned day.
  const int lo = first_planned - (kWindowDays - 1);
  const int hi = std::max(last_planned, first_planned + kMaxDaysInWindow);
  DayMap previous_days(lo, hi);
  for (const Period& p : previous) previous_days.Mark(p);
  previous_days.Finish();
  DayMap all_days(lo, hi);
  for (const Period& p : previous) all_days.Mark(p);
  for (const Period& p : planned) all_days.Mark(p);
  all_days.Finish();

  out.days_used = previous_days.Count(lo, first_planned - 1);
  out.days_remaining = std::max(0, kMaxDaysInWindow - out.days_used);

  for (int d = first_planned; d <= last_planned; ++d) {
    bool planned_day = false;
    for (const Period& p : planned) {
      planned_day = planned_day || (DayNumber(p.from) <= d && d <= DayNumber(p.to));
    }
    if (!planned_day) continue;
    if (all_days.Count(d - (kWindowDays - 1), d) > kMaxDaysInWindow) {
      out.fits = false;
      out.first_day_over = Date{std::chrono::sys_days(std::chrono::days(d))};
      break;
    }
  }

  // Entering on the first planned day and staying without a break: day L is allowed while the
  // window ending on L holds at most 90 days (previous days plus the continuous stay).
  std::optional<int> latest;
  for (int d = first_planned; d <= first_planned + kMaxDaysInWindow; ++d) {
    const int window_start = d - (kWindowDays - 1);
    const int continuous = d - first_planned + 1;
    const int previous_outside_stay = previous_days.Count(window_start, first_planned - 1);
    if (previous_outside_stay + continuous > kMaxDaysInWindow) break;
    latest = d;
  }
  if (latest) out.latest_exit = Date{std::chrono::sys_days(std::chrono::days(*latest))};
  return out;
}

}  // namespace openvap::rules
