// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace energy::baseline {

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& body, unsigned threads) {
  if (n == 0) return;
  unsigned t = threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
  t = static_cast<unsigned>(std::min<std::size_t>(t, n));
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::size_t error_index = n;
  std::exception_ptr error;
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1, std::memory_order_relaxed); i < n;
         i = next.fetch_add(1, std::memory_order_relaxed)) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard lock{error_mutex};
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    pool.reserve(t - 1);
    for (unsigned k = 1; k < t; ++k)
      pool.emplace_back(worker);
    worker();  // the calling thread works too
  }            // jthreads join here
  if (error) std::rethrow_exception(error);
}

std::vector<towt_model> fit_towt_many(std::span<const towt_job> jobs, unsigned threads) {
  std::vector<towt_model> out(jobs.size());
  parallel_for(
      jobs.size(),
      [&](std::size_t i) { out[i] = fit_towt(jobs[i].load, jobs[i].temperature, jobs[i].options); },
      threads);
  return out;
}

}  // namespace energy::baseline
