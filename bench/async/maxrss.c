/* maxrss.c: runs a command and writes its peak RSS in bytes to a file.
 *
 * Linux counts the memory a process had before exec in its ru_maxrss, so a
 * command started straight from Python (about 15 MB) never shows a peak
 * below Python's. Forked from this small program, it shows its own. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: maxrss OUTFILE CMD [ARG...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    _exit(127);
  }
  int status;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) < 0) return 2;
  FILE *out = fopen(argv[1], "w");
  if (!out) return 2;
  fprintf(out, "%ld\n", usage.ru_maxrss * 1024L);
  fclose(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
