// The process-wide thread pool behind parallel_for: persistent workers that spin briefly, then sleep.
#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CHAINRULE_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CHAINRULE_CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CHAINRULE_CPU_RELAX() ((void)0)
#endif

namespace chainrule {
namespace {

// Upper bound on threads: protects against absurd requests (each worker costs a stack).
constexpr int kMaxThreads = 256;
// Chunks per thread: more than one so that a core that is busy with other work takes fewer chunks
// and the others take the rest (the machine is often shared), few enough that per-chunk cost is nil.
constexpr int64_t kChunksPerThread = 8;
// How long an idle worker (or a waiting caller) spins before it sleeps: long enough to bridge the gap
// between the kernels of one training step, short enough not to steal a busy machine's cores.
constexpr auto kSpin = std::chrono::microseconds(100);

thread_local bool tl_in_parallel = false;

int default_threads() {
  if (const char* env = std::getenv("CHAINRULE_NUM_THREADS")) {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v >= 1) return v > kMaxThreads ? kMaxThreads : static_cast<int>(v);
  }
  unsigned hc = std::thread::hardware_concurrency();
  if (hc == 0) return 1;
  return hc > static_cast<unsigned>(kMaxThreads) ? kMaxThreads : static_cast<int>(hc);
}

// Spins on pred() for at most kSpin; returns true as soon as it holds.
template <typename Pred>
bool spin_until(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (pred()) return true;
      CHAINRULE_CPU_RELAX();
    }
    if (std::chrono::steady_clock::now() >= deadline) return pred();
  }
}

class Pool {
 public:
  Pool() : desired_(default_threads()) {}

  void set_threads(int n) { desired_.store(n < 1 ? 1 : (n > kMaxThreads ? kMaxThreads : n)); }
  int threads() const { return desired_.load(); }

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    if (grain < 1) grain = 1;
    int64_t threads = desired_.load();
    int64_t max_chunks = n / grain;  // every chunk holds at least `grain` indices
    if (tl_in_parallel || threads <= 1 || max_chunks <= 1) {
      fn(0, n);
      return;
    }
    std::lock_guard<std::mutex> job_lock(job_mu_);  // one job at a time, from any thread
    resize(static_cast<int>(desired_.load()) - 1);
    threads = static_cast<int64_t>(workers_.size()) + 1;
    if (threads <= 1) {
      fn(0, n);
      return;
    }
    int64_t chunks = std::min(max_chunks, threads * kChunksPerThread);

    // Publish the job. Workers read these fields only between seeing an odd generation and
    // leaving (active_ back to its previous value), and we change them only when no worker is inside.
    fn_ = &fn;
    n_ = n;
    chunks_ = chunks;
    next_.store(0);
    remaining_.store(chunks);
    error_ = nullptr;
    {
      std::lock_guard<std::mutex> lk(mu_);
      gen_.fetch_add(1);  // odd: a job is open
    }
    cv_work_.notify_all();

    tl_in_parallel = true;
    work();
    tl_in_parallel = false;

    // Wait for the chunks that workers took.
    if (!spin_until([&] { return remaining_.load() == 0; })) {
      std::unique_lock<std::mutex> lk(mu_);
      cv_done_.wait(lk, [&] { return remaining_.load() == 0; });
    }
    gen_.fetch_add(1);  // even: closed; late workers see it and leave without touching the job
    while (active_.load() != 0) std::this_thread::yield();  // workers between claim and exit: brief
    fn_ = nullptr;
    if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
  }

 private:
  // Claims chunks until none are left; called by the caller and by workers inside an open job.
  void work() {
    for (;;) {
      int64_t c = next_.fetch_add(1);
      if (c >= chunks_) return;
      int64_t begin = n_ * c / chunks_;
      int64_t end = n_ * (c + 1) / chunks_;
      try {
        (*fn_)(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_) error_ = std::current_exception();
      }
      if (remaining_.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        cv_done_.notify_all();
      }
    }
  }

  void worker_loop() {
    tl_in_parallel = true;  // anything a worker runs that calls parallel_for runs serially
    uint64_t seen = gen_.load();
    for (;;) {
      auto fresh = [&] {
        uint64_t g = gen_.load();
        return stop_.load() || ((g & 1) && g != seen);
      };
      if (!spin_until(fresh)) {
        std::unique_lock<std::mutex> lk(mu_);
        cv_work_.wait(lk, fresh);
      }
      if (stop_.load()) return;
      uint64_t g = gen_.load();
      seen = g;
      if (!(g & 1)) continue;
      active_.fetch_add(1);
      // Re-check after announcing ourselves: if the job closed in between, the caller may already
      // have returned, so leave without reading its fields.
      if (gen_.load() == g) work();
      active_.fetch_sub(1);
    }
  }

  // Starts or stops workers so that `count` exist. Called with job_mu_ held and no job open.
  void resize(int count) {
    if (count < 0) count = 0;
    if (static_cast<int>(workers_.size()) == count) return;
    if (!workers_.empty()) {
      {
        std::lock_guard<std::mutex> lk(mu_);
        stop_.store(true);
      }
      cv_work_.notify_all();
      for (auto& t : workers_) t.join();
      workers_.clear();
      stop_.store(false);
    }
    workers_.reserve(count);
    for (int i = 0; i < count; i++) {
      try {
        workers_.emplace_back([this] { worker_loop(); });
      } catch (...) {
        break;  // could not start a thread: run with the ones we have
      }
    }
  }

  std::atomic<int> desired_;
  std::mutex job_mu_;
  std::mutex mu_;
  std::condition_variable cv_work_;
  std::condition_variable cv_done_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> gen_{0};
  std::atomic<int> active_{0};
  std::atomic<bool> stop_{false};
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0;
  int64_t chunks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> remaining_{0};
  std::exception_ptr error_;
};

// Never destroyed: workers may still be asleep when the process exits, and joining them from a static
// destructor (or destroying a mutex they wait on) at exit is what hangs or crashes processes.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void set_num_threads(int n) { pool().set_threads(n); }

int num_threads() { return pool().threads(); }

bool in_parallel_region() { return tl_in_parallel; }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  pool().run(n, grain, fn);
}

}  // namespace chainrule
