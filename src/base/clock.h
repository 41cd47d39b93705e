#ifndef OPENVAP_BASE_CLOCK_H_
#define OPENVAP_BASE_CLOCK_H_

// The wall clock is an interface passed in (DESIGN.md): rules and domain code never read the
// system time themselves, so every date-dependent rule can be tested at its edges with a
// FixedClock.

#include <atomic>
#include <chrono>

namespace openvap {

using Timestamp = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant (UTC).
  virtual Timestamp Now() const = 0;
};

// The real time of the machine.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that reads a set instant; tests move it explicitly. Safe to read and move from
// several threads.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Timestamp now) : now_(now.time_since_epoch().count()) {}

  Timestamp Now() const override;
  void Set(Timestamp now);
  void Advance(std::chrono::system_clock::duration by);

 private:
  std::atomic<std::chrono::system_clock::rep> now_;
};

}  // namespace openvap

#endif  // OPENVAP_BASE_CLOCK_H_
