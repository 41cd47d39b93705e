#include "base/clock.h"

namespace openvap {

Timestamp SystemClock::Now() const { return std::chrono::system_clock::now(); }

Timestamp FixedClock::Now() const {
  return Timestamp(std::chrono::system_clock::duration(now_.load()));
}

void FixedClock::Set(Timestamp now) { now_.store(now.time_since_epoch().count()); }

void FixedClock::Advance(std::chrono::system_clock::duration by) { now_.fetch_add(by.count()); }

}  // namespace openvap
