// C++ twin of bench/sort.weft: sort 1,000,000 LCG ints, checksum every 1000th.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  int64_t x = 42;
  std::vector<int64_t> xs;
  for (int k = 0; k < 1000000; ++k) {
    x = (x * 1103515245 + 12345) % 2147483648LL;
    xs.push_back(x);
  }
  std::vector<int64_t> ys = xs;
  std::sort(ys.begin(), ys.end());
  int64_t check = 0;
  for (size_t i = 0; i < ys.size(); i += 1000)
    check = (check * 31 + ys[i]) % 1000000007;
  std::printf("%lld %lld %lld %lld\n", static_cast<long long>(ys[0]),
              static_cast<long long>(ys[ys.size() / 2]), static_cast<long long>(ys.back()),
              static_cast<long long>(check));
  return 0;
}
