// Subprocess.cpp: _asyncio._spawn, the primitive under asyncio's
// create_subprocess_exec and create_subprocess_shell (written in Weft, in
// stdlib/asyncio/subprocess.weft). The child is started with posix_spawnp,
// which is safe in a process with threads (the collector's markers, pool
// workers), unlike a fork that then runs code. Each PIPE is a Unix socket
// pair, so the parent's end is served by the same stream transport as TCP
// connections; children read and write it as they would a pipe. The
// child's exit is watched through a pidfd on the loop's epoll selector:
// when it becomes readable the child is reaped and the exit future gets
// CPython's returncode (the exit status, or -N after signal N).
#include "modules/AsyncioInternal.h"

#include "core/Text.h"
#include "task/Errors.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace weft::rt {

namespace {

constexpr int64_t kPipe = -1, kStdout = -2, kDevnull = -3;  // asyncio.subprocess's constants

/// The exit watch of one child: its pidfd, and the future its returncode goes to.
struct ChildWatch {
  WObj hdr;  ///< no type: never visible to Weft code
  EventLoop *loop;
  pid_t pid;
  int pidfd;
  Future *exited;
};

int onChildExit(void *a, void *) {
  auto *w = static_cast<ChildWatch *>(a);
  int status = 0;
  pid_t r;
  while ((r = waitpid(w->pid, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == 0) return 0;  // not yet: the pidfd stays watched
  w->loop->selector()->removeReader(w->pidfd);
  close(w->pidfd);
  int64_t code = r < 0 ? 255 : WIFSIGNALED(status) ? -int64_t(WTERMSIG(status)) : int64_t(WEXITSTATUS(status));
  if (!isDone(w->exited)) futureSetResult(w->exited, wrt_int(code));
  return 0;
}

/// How the child gets one standard stream: [childFd] to dup2 into place
/// (-1: inherit), and for PIPE the parent's end.
struct StdioPlan {
  int childFd = -1;
  int parentFd = -1;
  bool closeChildFd = false;
};

bool planStdio(WValue spec, bool parentReads, StdioPlan &plan, const StdioPlan *stdoutPlan) {
  if (spec.tag == WT_NONE || spec.tag == WT_UNBOUND) return true;
  if (!isIntLike(spec)) {
    raiseTypeError("stdin, stdout and stderr must be PIPE, DEVNULL, STDOUT, None or a file descriptor, not %s",
                   typeName(spec));
    return false;
  }
  if (spec.i == kPipe) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      raiseOSError(errno);
      return false;
    }
    // The child's end is a plain blocking descriptor, as a pipe would be.
    plan = {sv[1], sv[0], true};
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    if (parentReads) shutdown(sv[0], SHUT_WR);
    else shutdown(sv[0], SHUT_RD);
    return true;
  }
  if (spec.i == kDevnull) {
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      raiseOSError(errno, "/dev/null");
      return false;
    }
    plan = {fd, -1, true};
    return true;
  }
  if (spec.i == kStdout) {
    if (!stdoutPlan) {
      raise(T.ValueError, "STDOUT can only be used for stderr");
      return false;
    }
    plan = {stdoutPlan->childFd >= 0 ? stdoutPlan->childFd : 1, -1, false};
    return true;
  }
  if (spec.i < 0) {
    raise(T.ValueError, "bad value for stdin, stdout or stderr");
    return false;
  }
  plan = {int(spec.i), -1, false};
  return true;
}

void closePlans(StdioPlan *plans, bool parentEnds) {
  for (int i = 0; i < 3; i++) {
    if (plans[i].closeChildFd && plans[i].childFd >= 0) close(plans[i].childFd);
    plans[i].closeChildFd = false;
    if (parentEnds && plans[i].parentFd >= 0) close(plans[i].parentFd);
  }
}

bool strList(WValue v, const char *what, std::vector<std::string> &out) {
  WValue l = listFromIterable(v);
  if (l.tag == WT_ERR) return false;
  for (int64_t i = 0; i < asList(l)->size; i++) {
    WValue s = asList(l)->items[i];
    if (!isStr(s)) {
      raiseTypeError("%s must be str, not %s", what, typeName(s));
      return false;
    }
    out.emplace_back(strView(s));
  }
  return true;
}

/// _spawn(argv, stdin, stdout, stderr, cwd, env, limit) ->
/// (pid, stdin writer | None, stdout reader | None, stderr reader | None, exit future)
WValue spawnImpl(WNativeFunc *, WValue *a) {
  EventLoop *loop = requireRunningLoop();
  if (!loop) return wrt_errv();
  std::vector<std::string> argv;
  if (!strList(a[0], "program arguments", argv)) return wrt_errv();
  if (argv.empty()) return raise(T.ValueError, "no program given");
  std::vector<std::string> envStrings;
  if (isKind(a[5], Kind::Dict)) {
    WDictEntry *e;
    for (int64_t pos = 0; dictNext(asDict(a[5]), pos, e);) {
      if (!isStr(e->key) || !isStr(e->value)) return raise(T.TypeError, "env keys and values must be str");
      envStrings.push_back(std::string(strView(e->key)) + "=" + std::string(strView(e->value)));
    }
  }
  StdioPlan plans[3];
  if (!planStdio(a[1], false, plans[0], nullptr) || !planStdio(a[2], true, plans[1], nullptr) ||
      !planStdio(a[3], true, plans[2], &plans[1])) {
    closePlans(plans, true);
    return wrt_errv();
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (int i = 0; i < 3; i++)
    if (plans[i].childFd >= 0) posix_spawn_file_actions_adddup2(&fa, plans[i].childFd, i);
  std::string cwd;
  if (isStr(a[4])) {
    cwd = std::string(strView(a[4]));
    posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  }
  std::vector<char *> cargv, cenv;
  for (std::string &s : argv) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  for (std::string &s : envStrings) cenv.push_back(s.data());
  cenv.push_back(nullptr);
  flushStdout();  // the child's output must come after ours
  // The child gets SIGPIPE's default back, as CPython's restore_signals does.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  int err = posix_spawnp(&pid, cargv[0], &fa, &attr, cargv.data(), isKind(a[5], Kind::Dict) ? cenv.data() : environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  closePlans(plans, err != 0);
  if (err != 0) {
    if (!cwd.empty() && err == ENOENT && access(cwd.c_str(), F_OK) != 0) return raiseOSError(err, cwd.c_str());
    return raiseOSError(err, argv[0].c_str());
  }
  auto *w = static_cast<ChildWatch *>(gcAlloc(sizeof(ChildWatch)));
  w->loop = loop;
  w->pid = pid;
  w->exited = newFuture(loop);
  w->pidfd = int(syscall(SYS_pidfd_open, pid, 0));
  if (w->pidfd < 0 || loop->selector()->addReader(w->pidfd, &onChildExit, w, nullptr) != 0) {
    // pidfd_open needs Linux 5.3 (Debian 12 ships 6.1). Without it the exit
    // cannot be watched: stop the child rather than leave it unreaped.
    int err = w->pidfd < 0 ? errno : EBADF;
    if (w->pidfd >= 0) close(w->pidfd);
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    closePlans(plans, true);
    return raiseOSError(err);
  }
  WValue out[5] = {wrt_int(pid), wrt_none(), wrt_none(), wrt_none(), wrt_obj(reinterpret_cast<WObj *>(w->exited))};
  for (int i = 0; i < 3; i++) {
    if (plans[i].parentFd < 0) continue;
    out[i + 1] = streamForFd(loop, plans[i].parentFd, a[6], i != 0);
    if (out[i + 1].tag == WT_ERR) return out[i + 1];
  }
  return newTupleFrom(5, out);
}

} // namespace

void addSubprocessApi(WValue m) {
  moduleSet(m, "_spawn", makeNative("_spawn", spawnImpl, "argv, stdin, stdout, stderr, cwd, env, limit, /"));
}

} // namespace weft::rt
