// Time.cpp: the native `time` module: clocks (time, monotonic,
// perf_counter, process_time and their _ns forms), sleep (blocking; it
// sleeps to an absolute deadline so an EINTR from the collector's signals
// resumes with the time left), and localtime/gmtime/mktime/strftime/ctime
// over a struct_time that indexes like a 9-tuple and has tm_* attributes.
#include "core/Text.h"

#include <cerrno>
#include <cmath>
#include <ctime>

namespace weft::rt {

namespace {

WTypeObj *structTimeType;

const char *kFields[] = {"tm_year", "tm_mon",  "tm_mday", "tm_hour", "tm_min",
                         "tm_sec",  "tm_wday", "tm_yday", "tm_isdst"};

double clockSeconds(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

int64_t clockNs(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

WValue t_time(WNativeFunc *, WValue *) { return wrt_float(clockSeconds(CLOCK_REALTIME)); }
WValue t_time_ns(WNativeFunc *, WValue *) { return wrt_int(clockNs(CLOCK_REALTIME)); }
WValue t_monotonic(WNativeFunc *, WValue *) { return wrt_float(clockSeconds(CLOCK_MONOTONIC)); }
WValue t_monotonic_ns(WNativeFunc *, WValue *) { return wrt_int(clockNs(CLOCK_MONOTONIC)); }
WValue t_process_time(WNativeFunc *, WValue *) {
  return wrt_float(clockSeconds(CLOCK_PROCESS_CPUTIME_ID));
}

WValue t_sleep(WNativeFunc *, WValue *a) {
  double secs;
  if (a[0].tag == WT_FLOAT) secs = a[0].f;
  else if (isIntLike(a[0])) secs = double(a[0].i);
  else
    return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                       typeName(a[0]));
  if (std::isnan(secs)) return raise(T.ValueError, "Invalid value NaN (not a number)");
  if (secs < 0) return raise(T.ValueError, "sleep length must be non-negative");
  flushStdout(); // a sleeping program's output so far should be visible
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  double whole = std::floor(secs);
  deadline.tv_sec += time_t(whole);
  deadline.tv_nsec += long((secs - whole) * 1e9);
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
  return wrt_none();
}

WValue makeStructTime(const struct tm &tm) {
  WValue st = newNativeInstance(structTimeType);
  int64_t vals[9] = {tm.tm_year + 1900LL, tm.tm_mon + 1LL, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (tm.tm_wday + 6) % 7, tm.tm_yday + 1LL, tm.tm_isdst};
  for (int i = 0; i < 9; ++i) instSet(st, kFields[i], wrt_int(vals[i]));
  instSet(st, "tm_zone", makeStr(tm.tm_zone ? tm.tm_zone : "UTC"));
  instSet(st, "tm_gmtoff", wrt_int(tm.tm_gmtoff));
  return st;
}

/// A struct_time or a 9-sequence to struct tm.
bool toTm(WValue v, struct tm &tm) {
  int64_t vals[9];
  if (isKind(v, Kind::Instance) && typeOf(v) == structTimeType) {
    for (int i = 0; i < 9; ++i) vals[i] = instGet(v, kFields[i]).i;
  } else {
    WValue l = listFromIterable(v);
    if (l.tag == WT_ERR) return false;
    if (asList(l)->size != 9) {
      raise(T.TypeError, "time.struct_time() takes a 9-sequence");
      return false;
    }
    for (int i = 0; i < 9; ++i) {
      WValue x = asList(l)->items[i];
      if (!isIntLike(x)) {
        raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(x));
        return false;
      }
      vals[i] = x.i;
    }
  }
  tm = {};
  tm.tm_year = int(vals[0] - 1900);
  tm.tm_mon = int(vals[1] - 1);
  tm.tm_mday = int(vals[2]);
  tm.tm_hour = int(vals[3]);
  tm.tm_min = int(vals[4]);
  tm.tm_sec = int(vals[5]);
  tm.tm_wday = int((vals[6] + 1) % 7);
  tm.tm_yday = int(vals[7] - 1);
  tm.tm_isdst = int(vals[8]);
  return true;
}

bool secondsArg(WValue v, time_t &out) {
  if (v.tag == WT_UNBOUND || v.tag == WT_NONE) out = time(nullptr);
  else if (v.tag == WT_FLOAT) out = time_t(std::floor(v.f));
  else if (isIntLike(v)) out = time_t(v.i);
  else {
    raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
    return false;
  }
  return true;
}

WValue t_localtime(WNativeFunc *, WValue *a) {
  time_t t;
  if (!secondsArg(a[0], t)) return wrt_errv();
  struct tm tm;
  localtime_r(&t, &tm);
  return makeStructTime(tm);
}

WValue t_gmtime(WNativeFunc *, WValue *a) {
  time_t t;
  if (!secondsArg(a[0], t)) return wrt_errv();
  struct tm tm;
  gmtime_r(&t, &tm);
  return makeStructTime(tm);
}

WValue t_mktime(WNativeFunc *, WValue *a) {
  struct tm tm;
  if (!toTm(a[0], tm)) return wrt_errv();
  return wrt_float(double(mktime(&tm)));
}

WValue strftimeTm(std::string_view fmt, const struct tm &tm) {
  if (fmt.empty()) return makeStr("", 0);
  std::string f(fmt);
  std::string buf(256 + f.size() * 4, '\0');
  for (;;) {
    size_t n = strftime(buf.data(), buf.size(), f.c_str(), &tm);
    if (n > 0 || buf.size() > 65536) {
      buf.resize(n);
      return makeStr(buf);
    }
    buf.resize(buf.size() * 4);
  }
}

WValue t_strftime(WNativeFunc *, WValue *a) {
  if (!isStr(a[0]))
    return raiseFormat(T.TypeError, "strftime() argument 1 must be str, not %s", typeName(a[0]));
  struct tm tm;
  if (a[1].tag == WT_UNBOUND) {
    time_t t = time(nullptr);
    localtime_r(&t, &tm);
  } else if (!toTm(a[1], tm)) {
    return wrt_errv();
  }
  return strftimeTm(strView(a[0]), tm);
}

WValue t_ctime(WNativeFunc *, WValue *a) {
  time_t t;
  if (!secondsArg(a[0], t)) return wrt_errv();
  struct tm tm;
  localtime_r(&t, &tm);
  return strftimeTm("%a %b %e %H:%M:%S %Y", tm);
}

WValue t_asctime(WNativeFunc *, WValue *a) {
  struct tm tm;
  if (a[0].tag == WT_UNBOUND) {
    time_t t = time(nullptr);
    localtime_r(&t, &tm);
  } else if (!toTm(a[0], tm)) {
    return wrt_errv();
  }
  return strftimeTm("%a %b %e %H:%M:%S %Y", tm);
}

// struct_time behaves as a 9-tuple for indexing, len and iteration.
WValue st_asTuple(WValue self) {
  WValue t = newTuple(9);
  for (int i = 0; i < 9; ++i) asTuple(t)->items[i] = instGet(self, kFields[i]);
  return t;
}
WValue st_getitem(WValue self, WValue *a) { return wrt_getitem(st_asTuple(self), a[0]); }
WValue st_len(WValue, WValue *) { return wrt_int(9); }
WValue st_iter(WValue self, WValue *) { return iter(st_asTuple(self)); }
WValue st_eq(WValue self, WValue *a) {
  WValue other = a[0];
  if (isKind(other, Kind::Instance) && typeOf(other) == structTimeType) other = st_asTuple(other);
  return wrt_compare(WOP_EQ, st_asTuple(self), other);
}
WValue st_repr(WValue self, WValue *) {
  std::string out = "time.struct_time(";
  for (int i = 0; i < 9; ++i) {
    if (i) out += ", ";
    out += kFields[i];
    out += '=';
    out += std::to_string(instGet(self, kFields[i]).i);
  }
  out += ')';
  return makeStr(out);
}

WValue initTime() {
  structTimeType = newNativeClass("struct_time", "time");
  WEFT_TEXT_METHOD(structTimeType, "__getitem__", st_getitem, "self, key, /");
  WEFT_TEXT_METHOD(structTimeType, "__len__", st_len, "self, /");
  WEFT_TEXT_METHOD(structTimeType, "__iter__", st_iter, "self, /");
  WEFT_TEXT_METHOD(structTimeType, "__eq__", st_eq, "self, other, /");
  WEFT_TEXT_METHOD(structTimeType, "__repr__", st_repr, "self, /");
  WValue m = newModule("time");
  auto fn = [&](const char *name, WNativeCode code, const char *params) {
    moduleSet(m, name, makeNative(name, code, params));
  };
  fn("time", t_time, "");
  fn("time_ns", t_time_ns, "");
  fn("monotonic", t_monotonic, "");
  fn("monotonic_ns", t_monotonic_ns, "");
  fn("perf_counter", t_monotonic, "");
  fn("perf_counter_ns", t_monotonic_ns, "");
  fn("process_time", t_process_time, "");
  fn("sleep", t_sleep, "secs, /");
  fn("localtime", t_localtime, "secs=?, /");
  fn("gmtime", t_gmtime, "secs=?, /");
  fn("mktime", t_mktime, "t, /");
  fn("strftime", t_strftime, "format, t=?, /");
  fn("ctime", t_ctime, "secs=?, /");
  fn("asctime", t_asctime, "t=?, /");
  moduleSet(m, "struct_time", wrt_obj(structTimeType));
  tzset();
  moduleSet(m, "timezone", wrt_int(timezone));
  return m;
}

} // namespace

void initTimeModule() { registerModule("time", initTime); }

} // namespace weft::rt
