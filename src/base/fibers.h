#ifndef OPENVAP_BASE_FIBERS_H_
#define OPENVAP_BASE_FIBERS_H_

// Fibers: request handlers that wait without holding a thread.
//
// A handler of the platform blocks in one place that takes long: the commit of its write, which
// the one SQLite writer makes durable for a whole batch at once (group commit). On threads, a
// server needs as many threads as requests waiting for a commit (64), and the kernel then shares
// the cores among every handler that computes: each request is slowed by all that run beside it,
// in no particular order, and the switches between threads cost a tenth of the CPU
// (docs/PERFORMANCE.md). A FiberPool runs each handler as a fiber, with a stack of its own, on a
// few threads: when the handler waits (SuspendCurrentFiber), its thread runs the next ready
// fiber; when the wait ends, the fiber is ready again, in the order the waits ended. Handlers
// so compute at the full speed of a core, first come first served.
//
// Contract for code that runs on a fiber: between two suspensions it runs on one thread, but it
// may resume on another. Do not hold a mutex, or keep thread-local state that must stay with the
// handler, across a call that may suspend (in this code base: Store::Write on SQLite).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace openvap {

struct Fiber;

class FiberPool {
 public:
  // `threads` threads run the fibers; each fiber gets a stack of `stack_bytes` (memory is
  // committed as the stack grows; a guard page below it stops an overflow).
  explicit FiberPool(int threads, std::size_t stack_bytes = kDefaultStackBytes);
  // Waits until every fiber has finished, then joins the threads: whatever suspended fibers
  // wait for must still end (stop it after the pool).
  ~FiberPool();
  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;

  // Runs `work` on a fiber of its own. `work` must not throw (an exception that leaves it ends
  // the process, as on a thread).
  void Spawn(std::function<void()> work);

  static constexpr std::size_t kDefaultStackBytes = std::size_t{1} << 20;

 private:
  friend bool SuspendCurrentFiber(
      const std::function<void(const std::function<void()>& resume)>& arm);
  void Ready(Fiber* fiber);
  void Finished();
  void Run();
  char* TakeStack();
  void GiveBackStack(char* stack);

  std::size_t stack_bytes_;
  std::mutex mu_;
  std::condition_variable ready_cv_;
  std::condition_variable finished_cv_;
  std::deque<Fiber*> ready_;
  int live_ = 0;  // spawned and not finished
  std::vector<char*> spare_stacks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Suspends the calling fiber. Once it is switched out, `arm` is called (on the fiber's thread)
// with `resume`, which makes the fiber ready again: call it exactly once, from any thread, and
// touch nothing of the fiber's after that call (it may already run). Returns when the fiber was
// resumed; returns false at once, without calling `arm`, when the caller is not on a fiber.
bool SuspendCurrentFiber(const std::function<void(const std::function<void()>& resume)>& arm);

}  // namespace openvap

#endif  // OPENVAP_BASE_FIBERS_H_
