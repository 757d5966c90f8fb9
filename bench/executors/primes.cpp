// The C++ twin of primes.weft: the same trial division, the range split into
// CHUNKS pieces over WORKERS forked processes (dealt round-robin), counts
// returned through a pipe. usage: primes LIMIT WORKERS CHUNKS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

static long countRange(long lo, long hi) {
  long count = 0;
  for (long n = lo < 2 ? 2 : lo; n < hi; ++n) {
    bool prime = true;
    for (long d = 2; d * d <= n; ++d)
      if (n % d == 0) {
        prime = false;
        break;
      }
    count += prime;
  }
  return count;
}

int main(int argc, char **argv) {
  long limit = argc > 1 ? atol(argv[1]) : 5000000;
  int workers = argc > 2 ? atoi(argv[2]) : 2;
  long chunks = argc > 3 ? atol(argv[3]) : 16;
  long step = (limit + chunks - 1) / chunks;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<int> pipes;
  for (int w = 0; w < workers; ++w) {
    int fd[2];
    if (pipe(fd) != 0) return 1;
    if (fork() == 0) {
      close(fd[0]);
      long total = 0;
      for (long c = w; c < chunks; c += workers)
        total += countRange(c * step, (c + 1) * step < limit ? (c + 1) * step : limit);
      if (write(fd[1], &total, sizeof total) != sizeof total) _exit(1);
      _exit(0);
    }
    close(fd[1]);
    pipes.push_back(fd[0]);
  }
  long primes = 0;
  for (int fd : pipes) {
    long part = 0;
    if (read(fd, &part, sizeof part) != sizeof part) return 1;
    primes += part;
  }
  while (wait(nullptr) > 0) {
  }
  double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("RESULT primes=%ld elapsed_s=%.4f\n", primes, el);
}
