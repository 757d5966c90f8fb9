// Clock.h: the event loop's clock. Loop time is CLOCK_MONOTONIC in integer
// nanoseconds internally (exact comparisons and tie-breaks in the timer heap);
// `loop.time()` exposes it as float seconds like CPython's time.monotonic().
// Reading it is a vDSO call (~20 ns), so the loop reads it at most twice per
// iteration and only when timers exist.
#ifndef WEFT_RT_LOOP_CLOCK_H
#define WEFT_RT_LOOP_CLOCK_H

#include <cmath>
#include <cstdint>
#include <ctime>

namespace weft::rt {

inline int64_t monoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

/// Seconds (loop time, a delay) to nanoseconds, saturating so that
/// `call_later(1e300)` means "never" instead of overflowing.
inline int64_t secondsToNs(double s) {
  constexpr double kMax = 9.0e18;
  double ns = s * 1e9;
  if (ns >= kMax) return int64_t(kMax);
  if (ns <= -kMax) return -int64_t(kMax);
  return int64_t(std::llround(ns));
}

inline double nsToSeconds(int64_t ns) { return double(ns) * 1e-9; }

/// Busy-waits until [done]() is true (returns true) or [limitNs] pass
/// (false): for a hand-off between threads that is expected within
/// microseconds, where sleeping and being woken would cost more.
template <typename Done> bool spinUntil(int64_t limitNs, Done done) {
  int64_t start = monoNs();
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      __builtin_ia32_pause();
    }
    if (monoNs() - start >= limitNs) return false;
  }
}

} // namespace weft::rt

#endif
