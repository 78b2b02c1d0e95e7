#pragma once
// Runs work(i) for i in [0, count) on `threads` worker threads (files are decoded one per
// task, so a plain shared counter balances well). The first exception is rethrown after all
// workers stop.
#include <cstddef>
#include <functional>

namespace xnet {

void parallel_for(std::size_t count, int threads, const std::function<void(std::size_t)>& work);

}  // namespace xnet
