// C++ twin of bench/strings.weft: build a string from formatted ints, then
// scan it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

static std::string build(int64_t n) {
  std::vector<std::string> parts;
  for (int64_t i = 0; i < n; ++i)
    parts.push_back(std::to_string(i) + ":" + std::to_string(i % 7) + ",");
  std::string s;
  for (const auto &p : parts)
    s += p;
  return s;
}

int main() {
  int64_t total = 0;
  for (int64_t r = 0; r < 5; ++r) {
    std::string s = build(100000 + r);
    total += static_cast<int64_t>(s.size()) + std::count(s.begin(), s.end(), '3');
  }
  std::printf("%lld\n", static_cast<long long>(total));
  return 0;
}
