#include "base/fibers.h"

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define OPENVAP_FIBERS_ASAN 1
#endif

namespace openvap {

struct Fiber {
  ucontext_t context{};
  char* stack = nullptr;  // the usable part, above the guard page
  std::function<void()> work;
  bool finished = false;
  FiberPool* pool = nullptr;
  // Run by the thread once the fiber is switched out (SuspendCurrentFiber).
  std::function<void()> after_switch;
  ucontext_t* thread_context = nullptr;  // the thread that runs the fiber now
  // For AddressSanitizer only: its record of the fiber's stack frames, and the thread's stack.
  void* fake_stack = nullptr;
  const void* thread_stack_bottom = nullptr;
  std::size_t thread_stack_size = 0;
};

namespace {

thread_local Fiber* current_fiber = nullptr;
thread_local ucontext_t thread_context;

std::size_t PageSize() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// AddressSanitizer follows the switches between stacks only when told (sanitizer API).
void StartSwitch([[maybe_unused]] void** fake_stack_save, [[maybe_unused]] const void* bottom,
                 [[maybe_unused]] std::size_t size) {
#if defined(OPENVAP_FIBERS_ASAN)
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#endif
}

void FinishSwitch([[maybe_unused]] void* fake_stack, [[maybe_unused]] Fiber* fiber) {
#if defined(OPENVAP_FIBERS_ASAN)
  if (fiber != nullptr) {
    __sanitizer_finish_switch_fiber(fake_stack, &fiber->thread_stack_bottom,
                                    &fiber->thread_stack_size);
  } else {
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
  }
#endif
}

// Switches from the fiber to the thread running it; `dying` when the fiber will not be resumed.
void SwitchToThread(Fiber* f, bool dying) {
  StartSwitch(dying ? nullptr : &f->fake_stack, f->thread_stack_bottom, f->thread_stack_size);
  ::swapcontext(&f->context, f->thread_context);
  FinishSwitch(f->fake_stack, f);
}

// A new fiber starts here, on its own stack; the thread that switched to it set current_fiber.
void FiberMain() {
  Fiber* f = current_fiber;
  FinishSwitch(nullptr, f);
  f->work();
  f->work = nullptr;
  f->finished = true;
  SwitchToThread(f, true);
  std::abort();  // a finished fiber is never resumed
}

}  // namespace

FiberPool::FiberPool(int threads, std::size_t stack_bytes) : stack_bytes_(stack_bytes) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Run(); });
}

FiberPool::~FiberPool() {
  {
    std::unique_lock lock(mu_);
    finished_cv_.wait(lock, [this] { return live_ == 0; });
    stopping_ = true;
  }
  ready_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  const std::size_t page = PageSize();
  for (char* stack : spare_stacks_) ::munmap(stack - page, stack_bytes_ + page);
}

char* FiberPool::TakeStack() {
  {
    std::lock_guard lock(mu_);
    if (!spare_stacks_.empty()) {
      char* stack = spare_stacks_.back();
      spare_stacks_.pop_back();
      return stack;
    }
  }
  const std::size_t page = PageSize();
  void* mapped = ::mmap(nullptr, stack_bytes_ + page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  // The guard page: a stack that overflows faults here instead of writing over other memory.
  if (::mprotect(mapped, page, PROT_NONE) != 0) {
    ::munmap(mapped, stack_bytes_ + page);
    throw std::bad_alloc();
  }
  return static_cast<char*>(mapped) + page;
}

void FiberPool::GiveBackStack(char* stack) {
  constexpr std::size_t kSpareStacksKept = 1024;
  {
    std::lock_guard lock(mu_);
    if (spare_stacks_.size() < kSpareStacksKept) {
      spare_stacks_.push_back(stack);
      return;
    }
  }
  const std::size_t page = PageSize();
  ::munmap(stack - page, stack_bytes_ + page);
}

void FiberPool::Spawn(std::function<void()> work) {
  auto* f = new Fiber;
  f->work = std::move(work);
  {
    std::lock_guard lock(mu_);
    ++live_;
  }
  f->pool = this;
  try {
    f->stack = TakeStack();
  } catch (...) {
    delete f;
    Finished();
    throw;
  }
  ::getcontext(&f->context);
  f->context.uc_stack.ss_sp = f->stack;
  f->context.uc_stack.ss_size = stack_bytes_;
  f->context.uc_link = nullptr;
  ::makecontext(&f->context, &FiberMain, 0);
  Ready(f);
}

// Both notify under the lock: the thread that resumed the last fiber must not touch the pool
// once the destructor may run.
void FiberPool::Finished() {
  std::lock_guard lock(mu_);
  if (--live_ == 0) finished_cv_.notify_all();
}

void FiberPool::Ready(Fiber* fiber) {
  std::lock_guard lock(mu_);
  ready_.push_back(fiber);
  ready_cv_.notify_one();
}

void FiberPool::Run() {
  for (;;) {
    Fiber* f = nullptr;
    {
      std::unique_lock lock(mu_);
      ready_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (ready_.empty()) return;
      f = ready_.front();
      ready_.pop_front();
    }
    current_fiber = f;
    f->thread_context = &thread_context;
    void* fake_stack = nullptr;
    StartSwitch(&fake_stack, f->stack, stack_bytes_);
    ::swapcontext(&thread_context, &f->context);
    FinishSwitch(fake_stack, nullptr);
    current_fiber = nullptr;
    if (f->finished) {
      GiveBackStack(f->stack);
      delete f;
      Finished();
      continue;
    }
    // Suspended: only now may anyone resume it.
    std::function<void()> after_switch = std::move(f->after_switch);
    f->after_switch = nullptr;
    after_switch();
  }
}

bool SuspendCurrentFiber(const std::function<void(const std::function<void()>& resume)>& arm) {
  Fiber* f = current_fiber;
  if (f == nullptr) return false;
  f->after_switch = [f, &arm] {
    const std::function<void()> resume = [f] { f->pool->Ready(f); };
    arm(resume);
  };
  SwitchToThread(f, false);
  return true;
}

}  // namespace openvap
