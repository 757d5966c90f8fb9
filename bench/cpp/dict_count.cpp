// C++ twin of bench/dict_count.weft: count LCG-generated words in a hash map,
// then print the five most frequent in Python's list-of-tuples format.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

int main() {
  int64_t x = 12345;
  std::unordered_map<std::string, int64_t> counts;
  for (int k = 0; k < 1000000; ++k) {
    x = (x * 1103515245 + 12345) % 2147483648LL;
    std::string word = "w" + std::to_string((x >> 8) % 5000);
    ++counts[word];
  }
  std::vector<std::pair<std::string, int64_t>> items(counts.begin(), counts.end());
  std::sort(items.begin(), items.end(), [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::printf("%zu [", counts.size());
  for (size_t i = 0; i < 5 && i < items.size(); ++i)
    std::printf("%s('%s', %lld)", i ? ", " : "", items[i].first.c_str(),
                static_cast<long long>(items[i].second));
  std::printf("]\n");
  return 0;
}
