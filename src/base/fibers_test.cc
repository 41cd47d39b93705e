// FiberPool and SuspendCurrentFiber (base/fibers.h).
#include "base/fibers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace openvap {
namespace {

// Resume functions handed out by suspended fibers, resumed by the test's own thread.
class Parking {
 public:
  void Park(const std::function<void()>& resume) {
    std::lock_guard lock(mu_);
    parked_.push_back(resume);
    cv_.notify_all();
  }
  // Waits until `n` fibers are parked, then returns their resume functions.
  std::vector<std::function<void()>> WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    const bool all =
        cv_.wait_for(lock, std::chrono::seconds(30), [&] { return parked_.size() >= n; });
    EXPECT_TRUE(all) << parked_.size() << " of " << n << " parked";
    std::vector<std::function<void()>> out;
    out.swap(parked_);
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void()>> parked_;
};

TEST(FiberPoolTest, OffAFiberNothingIsSuspended) {
  bool armed = false;
  EXPECT_FALSE(SuspendCurrentFiber([&](const std::function<void()>&) { armed = true; }));
  EXPECT_FALSE(armed);
}

TEST(FiberPoolTest, SuspendedFibersFreeTheirThreadAndResumeWhereTheyStopped) {
  constexpr int kFibers = 200;
  Parking parking;
  std::atomic<int> finished{0};
  std::vector<int> progress(kFibers, 0);
  {
    FiberPool pool(1);  // one thread: only suspension lets the other fibers run
    for (int i = 0; i < kFibers; ++i) {
      pool.Spawn([&, i] {
        int on_my_stack = i * 10;
        progress[static_cast<std::size_t>(i)] = 1;
        EXPECT_TRUE(SuspendCurrentFiber([&](const std::function<void()>& r) { parking.Park(r); }));
        progress[static_cast<std::size_t>(i)] = 2;
        EXPECT_EQ(on_my_stack, i * 10);  // its own stack, untouched by the others
        finished.fetch_add(1);
      });
    }
    auto resumes = parking.WaitFor(kFibers);  // every fiber ran up to its wait
    EXPECT_EQ(finished.load(), 0);
    for (int p : progress) EXPECT_EQ(p, 1);
    // Resumed from this thread, in reverse order.
    std::for_each(resumes.rbegin(), resumes.rend(), [](const auto& resume) { resume(); });
  }  // the pool waits for every fiber to finish
  EXPECT_EQ(finished.load(), kFibers);
  for (int p : progress) EXPECT_EQ(p, 2);
}

TEST(FiberPoolTest, AResumeFromInsideArmAndFromOtherThreadsIsSafe) {
  constexpr int kFibers = 500;
  constexpr int kWaits = 5;
  std::atomic<int> finished{0};
  {
    FiberPool pool(3);
    for (int i = 0; i < kFibers; ++i) {
      pool.Spawn([&, i] {
        for (int w = 0; w < kWaits; ++w) {
          EXPECT_TRUE(SuspendCurrentFiber([&](const std::function<void()>& resume) {
            if ((i + w) % 2 == 0) {
              resume();  // the wait is already over: resumed before arm returns
            } else {
              std::thread(resume).detach();  // resumed by another thread, any time
            }
          }));
        }
        finished.fetch_add(1);
      });
    }
  }
  EXPECT_EQ(finished.load(), kFibers);
}

TEST(FiberPoolTest, DeepStacksFitAndStacksAreReused) {
  std::function<int(int)> depth = [&](int n) -> int {
    volatile char frame[512] = {};  // about 300 KiB in all, within the 1 MiB stack
    frame[0] = static_cast<char>(n);
    return n == 0 ? 0 : 1 + depth(n - 1) + frame[0] - static_cast<char>(n);
  };
  std::atomic<int> total{0};
  {
    FiberPool pool(2);
    for (int i = 0; i < 1000; ++i) pool.Spawn([&] { total.fetch_add(depth(500)); });
  }
  EXPECT_EQ(total.load(), 1000 * 500);
}

}  // namespace
}  // namespace openvap
