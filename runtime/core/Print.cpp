// Print.cpp: the process's one stdout writer and print()/input(), plus the
// sys.stdout / sys.stderr stream objects. stdout is buffered like CPython's:
// line-buffered on a terminal, in 64 KiB blocks otherwise; stderr is written
// through at once, after flushing stdout so interleaved output stays in
// order on a terminal. Writes retry on EINTR (the collector's stop signals
// interrupt system calls) and on short writes. No iostreams on this path.
#include "core/Text.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unistd.h>

namespace weft::rt {

namespace {

constexpr size_t kBufSize = 1 << 16;
char outBuf[kBufSize];
size_t outLen = 0;
int lineBuffered = -1; // -1: not decided yet
std::mutex outMutex;

/// 0, or the errno of a failed write (EPIPE once the reader is gone).
int writeAll(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += w;
    n -= size_t(w);
  }
  return 0;
}

/// Writes the buffer out; what could not be written is dropped, as
/// CPython's buffer is after a failed flush.
int flushLocked() {
  int err = outLen ? writeAll(1, outBuf, outLen) : 0;
  outLen = 0;
  return err;
}

WValue stdoutObj = wrt_unbound(); // data segment: scanned by the collector
WValue stderrObj = wrt_unbound();
WTypeObj *streamType = nullptr;

} // namespace

int writeStdout(std::string_view s) {
  std::lock_guard<std::mutex> lock(outMutex);
  if (lineBuffered < 0) lineBuffered = isatty(1) ? 1 : 0;
  if (s.size() >= kBufSize) {
    if (int err = flushLocked()) return err;
    return writeAll(1, s.data(), s.size());
  }
  if (outLen + s.size() > kBufSize)
    if (int err = flushLocked()) return err;
  std::memcpy(outBuf + outLen, s.data(), s.size());
  outLen += s.size();
  if (lineBuffered && std::memchr(s.data(), '\n', s.size())) return flushLocked();
  return 0;
}

void flushStdout() {
  std::lock_guard<std::mutex> lock(outMutex);
  flushLocked();
}

int flushStdoutChecked() {
  std::lock_guard<std::mutex> lock(outMutex);
  return flushLocked();
}

void writeStderr(std::string_view s) {
  flushStdout();
  writeAll(2, s.data(), s.size());  // nowhere left to report a failure to
}

/// Appends str(v) with fast paths for the common immediate types.
bool appendPrinted(std::string &out, WValue v) {
  switch (v.tag) {
  case WT_INT: {
    appendDecimal(out, v.i);
    return true;
  }
  case WT_FLOAT: out += floatRepr(v.f); return true;
  case WT_BOOL: out += v.i ? "True" : "False"; return true;
  case WT_NONE: out += "None"; return true;
  default:
    if (isStr(v)) {
      out.append(strView(v));
      return true;
    }
    return toStdString(v, out);
  }
}

namespace {

/// Where print(file=...) goes: 1 stdout, 2 stderr, 0 another object.
int streamFd(WValue file) {
  if (file.tag == WT_NONE || file.tag == WT_UNBOUND) return 1;
  if (file.tag == WT_OBJ && file.o == stdoutObj.o) return 1;
  if (file.tag == WT_OBJ && stderrObj.tag == WT_OBJ && file.o == stderrObj.o) return 2;
  return 0;
}

bool optStr(WValue v, const char *what, std::string_view dflt, std::string_view &out) {
  if (v.tag == WT_NONE || v.tag == WT_UNBOUND) {
    out = dflt;
    return true;
  }
  if (!isStr(v)) {
    raiseFormat(T.TypeError, "%s must be None or a string, not %s", what, typeName(v));
    return false;
  }
  out = strView(v);
  return true;
}

/// print(*args, sep=' ', end='\n', file=None, flush=False)
WValue printImpl(WNativeFunc *, WValue *a) {
  WTuple *args = asTuple(a[0]);
  std::string_view sep, end;
  if (!optStr(a[1], "sep", " ", sep) || !optStr(a[2], "end", "\n", end)) return wrt_errv();
  std::string line;
  for (int64_t i = 0; i < args->size; ++i) {
    if (i) line.append(sep);
    if (!appendPrinted(line, args->items[i])) return wrt_errv();
  }
  line.append(end);
  int fd = streamFd(a[3]);
  if (fd == 1) {
    // A reader that went away (`prog | head`): BrokenPipeError, as CPython raises.
    if (int err = writeStdout(line)) return raiseOSError(err);
  } else if (fd == 2) {
    writeStderr(line);
  }
  else {
    WValue s = makeStr(line);
    WValue r = callMethod(a[3], "write", 1, &s);
    if (r.tag == WT_ERR) return r;
  }
  int fl = a[4].tag == WT_UNBOUND ? 0 : truthy(a[4]);
  if (fl < 0) return wrt_errv();
  if (fl && fd == 1)
    if (int err = flushStdoutChecked()) return raiseOSError(err);
  return wrt_none();
}

WValue inputImpl(WNativeFunc *, WValue *a) {
  if (a[0].tag != WT_UNBOUND) {
    std::string prompt;
    if (!appendPrinted(prompt, a[0])) return wrt_errv();
    writeStdout(prompt);
  }
  flushStdout();
  // Read through sys.stdin's buffer so input() and sys.stdin mix correctly.
  WValue line = callMethod(stdinFile(), "readline", 0, nullptr);
  if (line.tag == WT_ERR) return line;
  std::string_view v = strView(line);
  if (v.empty()) return raise(T.EOFError, "EOF when reading a line");
  if (v.back() == '\n') v.remove_suffix(1);
  return makeStr(v);
}

// sys.stdout / sys.stderr: write(s) returns the number of characters.
WValue streamWrite(WNativeFunc *, WValue *a) {
  if (!isStr(a[1]))
    return raiseFormat(T.TypeError, "write() argument must be str, not %s", typeName(a[1]));
  if (a[0].o == stderrObj.o) writeStderr(strView(a[1]));
  else if (int err = writeStdout(strView(a[1]))) return raiseOSError(err);
  return wrt_int(strLength(a[1]));
}

WValue streamFlush(WNativeFunc *, WValue *a) {
  if (a[0].o == stdoutObj.o) flushStdout();
  return wrt_none();
}

WValue streamFileno(WNativeFunc *, WValue *a) { return wrt_int(a[0].o == stderrObj.o ? 2 : 1); }

WValue streamIsatty(WNativeFunc *, WValue *a) {
  return wrt_bool(isatty(a[0].o == stderrObj.o ? 2 : 1));
}

} // namespace

/// sys.stdout (fd 1) or sys.stderr (fd 2).
WValue stdStream(int fd) { return fd == 2 ? stderrObj : stdoutObj; }

void initPrint() {
  streamType = newNativeClass("TextIOWrapper", "_io");
  addMethod(streamType, "write", streamWrite, "self, s, /");
  addMethod(streamType, "flush", streamFlush, "self, /");
  addMethod(streamType, "fileno", streamFileno, "self, /");
  addMethod(streamType, "isatty", streamIsatty, "self, /");
  auto mk = [] {
    auto *o = newObj<WInstance>(streamType);
    o->attrs = asDict(newDict());
    return wrt_obj(o);
  };
  stdoutObj = mk();
  stderrObj = mk();
  registerBuiltin("print", makeNative("print", printImpl,
                                      "*args, sep=None, end=None, file=None, flush=False"));
  registerBuiltin("input", makeNative("input", inputImpl, "prompt=?, /"));
  std::atexit([] { flushStdout(); });
}

} // namespace weft::rt
