// Signal.cpp: the native `signal` module: the signal numbers, SIG_DFL and
// SIG_IGN, signal.signal() for those two dispositions, raise_signal,
// valid_signals and strsignal. A Python-level handler function is not
// supported: Weft code cannot be entered at an arbitrary instruction, so
// asyncio programs handle signals with loop.add_signal_handler, which runs
// the callback on the loop (AsyncioSignals.cpp).
#include "core/Text.h"

#include <csignal>
#include <cstring>

namespace weft::rt {

namespace {

constexpr int kSigDfl = 0, kSigIgn = 1;

bool signalArg(WValue v, int &sig) {
  if (!isIntLike(v)) {
    raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
    return false;
  }
  if (v.i < 1 || v.i >= NSIG) {
    raise(T.ValueError, "signal number out of range");
    return false;
  }
  sig = int(v.i);
  return true;
}

/// signal.signal(signalnum, handler) with handler SIG_DFL or SIG_IGN; the
/// previous disposition comes back as SIG_DFL, SIG_IGN, or None (another
/// handler, such as asyncio's).
WValue sSignal(WNativeFunc *, WValue *a) {
  int sig;
  if (!signalArg(a[0], sig)) return wrt_errv();
  if (!isIntLike(a[1]) || (a[1].i != kSigDfl && a[1].i != kSigIgn)) {
    if (isCallable(a[1]))
      return raise(T.TypeError, "signal handler functions are not supported by Weft; "
                                "use loop.add_signal_handler(sig, callback) in asyncio code");
    return raise(T.TypeError, "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object");
  }
  struct sigaction sa {}, old {};
  sa.sa_handler = a[1].i == kSigIgn ? SIG_IGN : SIG_DFL;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, &old) != 0) return raiseOSError(errno);
  if (old.sa_handler == SIG_DFL) return wrt_int(kSigDfl);
  if (old.sa_handler == SIG_IGN) return wrt_int(kSigIgn);
  return wrt_none();
}

WValue sRaiseSignal(WNativeFunc *, WValue *a) {
  int sig;
  if (!signalArg(a[0], sig)) return wrt_errv();
  flushStdout();  // a signal that kills us should not lose what was printed
  if (::raise(sig) != 0) return raiseOSError(errno);
  return wrt_none();
}

WValue sValidSignals(WNativeFunc *, WValue *) {
  WValue s = newSet();
  for (int sig = 1; sig < NSIG; sig++)
    if (sig < 32 || sig >= SIGRTMIN) setAdd(reinterpret_cast<WSet *>(s.o), wrt_int(sig));
  return s;
}

WValue sStrsignal(WNativeFunc *, WValue *a) {
  int sig;
  if (!signalArg(a[0], sig)) return wrt_errv();
  const char *d = strsignal(sig);
  return d ? makeStr(d) : wrt_none();
}

WValue initSignal() {
  WValue m = newModule("signal");
  const struct { const char *name; int value; } constants[] = {
      {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},     {"SIGQUIT", SIGQUIT}, {"SIGILL", SIGILL},
      {"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT},   {"SIGBUS", SIGBUS},   {"SIGFPE", SIGFPE},
      {"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1},   {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2},
      {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM},   {"SIGTERM", SIGTERM}, {"SIGCHLD", SIGCHLD},
      {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP},   {"SIGTSTP", SIGTSTP}, {"SIGTTIN", SIGTTIN},
      {"SIGTTOU", SIGTTOU}, {"SIGWINCH", SIGWINCH}, {"SIGXCPU", SIGXCPU}, {"SIGXFSZ", SIGXFSZ},
      {"SIG_DFL", kSigDfl}, {"SIG_IGN", kSigIgn},   {"NSIG", NSIG},
  };
  for (const auto &c : constants) moduleSet(m, c.name, wrt_int(c.value));
  moduleSet(m, "signal", makeNative("signal", sSignal, "signalnum, handler, /"));
  moduleSet(m, "raise_signal", makeNative("raise_signal", sRaiseSignal, "signalnum, /"));
  moduleSet(m, "valid_signals", makeNative("valid_signals", sValidSignals, ""));
  moduleSet(m, "strsignal", makeNative("strsignal", sStrsignal, "signalnum, /"));
  return m;
}

} // namespace

void initSignalModule() { registerModule("signal", initSignal); }

} // namespace weft::rt
