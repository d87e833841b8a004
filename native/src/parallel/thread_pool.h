// A persistent, process-wide thread pool for the native kernels: parallel_for over an index range.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

namespace chainrule {

// Sets the number of threads used by parallel_for, the calling thread included (1 = run on the calling
// thread only). Values below 1 become 1. Waits for a running job to finish first.
void set_num_threads(int n);

// The number of threads parallel_for uses (default: std::thread::hardware_concurrency(), or the
// CHAINRULE_NUM_THREADS environment variable when it is set to a positive integer).
int num_threads();

// Splits [0, n) into contiguous chunks of at least `grain` indices (at most 8 per thread, claimed
// dynamically by the pool's workers and the calling thread, so a core busy with other work takes fewer) and
// runs fn(begin, end) on each; returns when all are done. Do not assume one chunk per thread: keep per-chunk
// results by chunk (e.g. by begin) or in thread_local scratch. Nested calls (from inside fn) run serially on
// the calling thread. Safe to call from any thread (e.g. several Node worker_threads): one job runs at a
// time, guarded by a mutex. An exception thrown by fn is rethrown to the caller after every chunk finished.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// True while the current thread runs inside a parallel_for chunk (nested calls then run serially).
bool in_parallel_region();

// Same as parallel_for, but a work split that would not happen (one chunk, one thread, or a nested call)
// runs fn(0, n) inline, without building a std::function (which allocates when fn captures much):
// for callers that run many small jobs.
template <class F>
inline void parallel_for_inline(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  if (n / grain <= 1 || num_threads() <= 1 || in_parallel_region()) {
    fn(int64_t(0), n);
    return;
  }
  parallel_for(n, grain, std::function<void(int64_t, int64_t)>(std::ref(fn)));
}

}  // namespace chainrule
