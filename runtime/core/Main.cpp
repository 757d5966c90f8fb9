// Main.cpp: the program entry point wrt_main and CPython's report of an
// uncaught exception. wrt_main initialises the collector and the runtime,
// records sys.argv, runs the program's module init, and turns an escaping
// exception into CPython's exit behaviour: the traceback header, chained
// cause/context blocks and "ExcType: message" on stderr with status 1,
// SystemExit's code, and death by SIGINT for KeyboardInterrupt.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <csignal>
#include <pthread.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace weft::rt {

namespace {

void appendExceptionLine(std::string &out, WValue exc) {
  WTypeObj *t = typeOf(exc);
  std::string_view mod = t->module ? t->module : "builtins";
  if (mod != "builtins" && mod != "__main__") {
    out += mod;
    out += '.';
  }
  out += t->qualname;
  WValue s = excStr(exc);
  if (s.tag == WT_ERR) {
    errClear();
    out += ": <exception str() failed>";
  } else if (asStr(s)->nbytes) {
    out += ": ";
    out += strView(s);
  }
  out += '\n';
}

bool isExc(WValue v) { return v.tag == WT_OBJ && v.o->type->kind == Kind::Exception; }

void formatChain(std::string &out, WValue exc, std::vector<WObj *> &seen) {
  seen.push_back(exc.o);
  WException *e = asExc(exc);
  auto unseen = [&](WValue v) {
    if (!isExc(v)) return false;
    for (WObj *o : seen)
      if (o == v.o) return false;
    return true;
  };
  if (unseen(e->cause)) {
    formatChain(out, e->cause, seen);
    out += "\nThe above exception was the direct cause of the following exception:\n\n";
  } else if (!e->suppressContext && unseen(e->context)) {
    formatChain(out, e->context, seen);
    out += "\nDuring handling of the above exception, another exception occurred:\n\n";
  }
  out += "Traceback (most recent call last):\n";
  appendExceptionLine(out, exc);
  // add_note() text follows the exception line, one note per line.
  if (e->attrs) {
    WValue notes = dictGetStr(e->attrs, internStr("__notes__"));
    if (isKind(notes, Kind::List))
      for (int64_t i = 0; i < asList(notes)->size; i++) {
        if (!appendStr(out, asList(notes)->items[i])) errClear();
        out += '\n';
      }
  }
}

/// The main thread's stack, to tell a stack overflow from other faults.
uintptr_t stackLow, stackHigh;

/// Runaway recursion overflows the native stack instead of raising
/// RecursionError. Report it the way CPython reports an uncaught one (last
/// line and status 1) rather than dying with SIGSEGV. Runs on its own stack.
void onSegv(int sig, siginfo_t *info, void *) {
  uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
  if (stackHigh && addr + 65536 >= stackLow && addr < stackHigh) {
    flushStdout(); // best effort: the fault is in user recursion, not in the writer
    static const char msg[] =
        "Traceback (most recent call last):\nRecursionError: maximum recursion depth exceeded\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    _exit(1);
  }
  signal(sig, SIG_DFL);
  ::raise(sig);
}

void installOverflowHandler() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void *addr;
  size_t size;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
    stackLow = reinterpret_cast<uintptr_t>(addr);
    stackHigh = stackLow + size;
  }
  pthread_attr_destroy(&attr);
  static char altStack[64 * 1024];
  stack_t ss = {};
  ss.ss_sp = altStack;
  ss.ss_size = sizeof altStack;
  if (sigaltstack(&ss, nullptr) != 0) return;
  struct sigaction sa = {};
  sa.sa_sigaction = onSegv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, nullptr);
}

} // namespace

void printException(WValue exc) {
  std::string out;
  std::vector<WObj *> seen;
  if (isExc(exc)) formatChain(out, exc, seen);
  else out = "Traceback (most recent call last):\nSystemError: bad exception\n";
  writeStderr(out);
}

int64_t systemExitStatus(WValue exc) {
  WTuple *args = reinterpret_cast<WTuple *>(asExc(exc)->args);
  WValue code = args->size == 0 ? wrt_none() : args->size == 1 ? args->items[0] : wrt_obj(args);
  if (code.tag == WT_NONE) return 0;
  if (isIntLike(code)) return int64_t(int(code.i) & 0xff);
  std::string out;
  if (!appendStr(out, code)) errClear();
  out += '\n';
  writeStderr(out);
  return 1;
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

int64_t wrt_main(int64_t argc, char **argv, WModuleInit init) {
  // As CPython does: a write to a pipe whose reader is gone fails with
  // EPIPE (print raises BrokenPipeError) instead of killing the process.
  signal(SIGPIPE, SIG_IGN);
  initRuntime();
  installOverflowHandler();
  setArgv(int(argc), argv);
  WValue r = init();
  if (r.tag != WT_ERR) {
    runThreadShutdown();  // as CPython's finalisation: non-daemon threads first
    flushStdout();
    return 0;
  }
  WValue exc = errFetch();
  if (isInstance(exc, T.SystemExit)) {
    runThreadShutdown();
    flushStdout();
    return systemExitStatus(exc);
  }
  flushStdout();
  printException(exc);
  if (!isInstance(exc, T.KeyboardInterrupt)) runThreadShutdown();
  if (isInstance(exc, T.KeyboardInterrupt)) {
    // CPython re-raises SIGINT on itself so the parent sees death by signal.
    std::signal(SIGINT, SIG_DFL);
    kill(getpid(), SIGINT);
  }
  return 1;
}

} // extern "C"
