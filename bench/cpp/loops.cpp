// C++ twin of bench/loops.weft: nested counting loops with % and +=.
#include <cstdint>
#include <cstdio>

static int64_t work(int64_t n) {
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      total += (i * j + j) % 7;
  return total;
}

int main(int argc, char **) {
  // argc keeps the compiler from folding the whole computation at -O2.
  std::printf("%lld\n", static_cast<long long>(work(2999 + argc)));
  return 0;
}
