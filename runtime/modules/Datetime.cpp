// Datetime.cpp: a minimal native `datetime` module: the datetime class with
// now()/today()/fromtimestamp(), its fields, isoformat, strftime, timestamp,
// and str/repr as CPython prints them. Enough for scripts that stamp their
// output; date arithmetic (timedelta) is outside Weft's subset for now.
#include "core/Text.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace weft::rt {

namespace {

WTypeObj *datetimeType;
const char *kFields[] = {"year", "month", "day", "hour", "minute", "second", "microsecond"};

int64_t field(WValue self, int i) { return instGet(self, kFields[i]).i; }

WValue makeDatetime(const int64_t v[7]) {
  WValue d = newNativeInstance(datetimeType);
  for (int i = 0; i < 7; ++i) instSet(d, kFields[i], wrt_int(v[i]));
  return d;
}

WValue fromEpoch(double secs) {
  time_t t = time_t(std::floor(secs));
  int64_t us = int64_t(std::llround((secs - std::floor(secs)) * 1e6));
  if (us >= 1000000) {
    t += 1;
    us -= 1000000;
  }
  struct tm tm;
  localtime_r(&t, &tm);
  int64_t v[7] = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min,         tm.tm_sec,      us};
  return makeDatetime(v);
}

struct tm toTm(WValue self) {
  struct tm tm = {};
  tm.tm_year = int(field(self, 0) - 1900);
  tm.tm_mon = int(field(self, 1) - 1);
  tm.tm_mday = int(field(self, 2));
  tm.tm_hour = int(field(self, 3));
  tm.tm_min = int(field(self, 4));
  tm.tm_sec = int(field(self, 5));
  tm.tm_isdst = -1;
  struct tm copy = tm;
  mktime(&copy); // fills weekday and day of year
  tm.tm_wday = copy.tm_wday;
  tm.tm_yday = copy.tm_yday;
  return tm;
}

WValue dt_init(WValue self, WValue *a) {
  int64_t v[7] = {0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 7; ++i) {
    if (a[i].tag == WT_UNBOUND) continue;
    if (!isIntLike(a[i]))
      return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                         typeName(a[i]));
    v[i] = a[i].i;
  }
  if (v[1] < 1 || v[1] > 12) return raise(T.ValueError, "month must be in 1..12");
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
  int64_t dim = mdays[v[1] - 1] + (v[1] == 2 && leap ? 1 : 0);
  if (v[2] < 1 || v[2] > dim) return raise(T.ValueError, "day is out of range for month");
  if (v[3] < 0 || v[3] > 23) return raise(T.ValueError, "hour must be in 0..23");
  if (v[4] < 0 || v[4] > 59) return raise(T.ValueError, "minute must be in 0..59");
  if (v[5] < 0 || v[5] > 59) return raise(T.ValueError, "second must be in 0..59");
  if (v[6] < 0 || v[6] > 999999) return raise(T.ValueError, "microsecond must be in 0..999999");
  for (int i = 0; i < 7; ++i) instSet(self, kFields[i], wrt_int(v[i]));
  return wrt_none();
}

WValue isoformat(WValue self, char sep) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld%c%02lld:%02lld:%02lld",
                        (long long)field(self, 0), (long long)field(self, 1),
                        (long long)field(self, 2), sep, (long long)field(self, 3),
                        (long long)field(self, 4), (long long)field(self, 5));
  if (field(self, 6))
    n += std::snprintf(buf + n, sizeof buf - size_t(n), ".%06lld", (long long)field(self, 6));
  return makeStr(std::string_view(buf, size_t(n)));
}

WValue dt_isoformat(WValue self, WValue *a) {
  char sep = 'T';
  if (isStr(a[0]) && asWStr(a[0])->nbytes == 1) sep = strView(a[0])[0];
  return isoformat(self, sep);
}
WValue dt_str(WValue self, WValue *) { return isoformat(self, ' '); }

WValue dt_repr(WValue self, WValue *) {
  int last = 6;
  while (last > 2 && field(self, last) == 0) --last;
  std::string out = "datetime.datetime(";
  for (int i = 0; i <= last; ++i) {
    if (i) out += ", ";
    out += std::to_string(field(self, i));
  }
  out += ")";
  return makeStr(out);
}

WValue dt_strftime(WValue self, WValue *a) {
  if (!isStr(a[0]))
    return raiseFormat(T.TypeError, "strftime() argument 1 must be str, not %s", typeName(a[0]));
  std::string fmt(strView(a[0]));
  // %f (microseconds) is Python's own directive.
  std::string expanded;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size()) {
      if (fmt[i + 1] == 'f') {
        char us[8];
        std::snprintf(us, sizeof us, "%06lld", (long long)field(self, 6));
        expanded += us;
        ++i;
        continue;
      }
      expanded += fmt[i];
      expanded += fmt[++i];
      continue;
    }
    expanded += fmt[i];
  }
  struct tm tm = toTm(self);
  std::string buf(256 + expanded.size() * 4, '\0');
  size_t n = expanded.empty() ? 0 : strftime(buf.data(), buf.size(), expanded.c_str(), &tm);
  buf.resize(n);
  return makeStr(buf);
}

/// f"{d:%Y-%m-%d}": an empty spec is str(d), anything else strftime.
WValue dt_format(WValue self, WValue *a) {
  if (!isStr(a[0]))
    return raiseFormat(T.TypeError, "format() argument 1 must be str, not %s", typeName(a[0]));
  if (asWStr(a[0])->nbytes == 0) return isoformat(self, ' ');
  return dt_strftime(self, a);
}

WValue dt_timestamp(WValue self, WValue *) {
  struct tm tm = toTm(self);
  return wrt_float(double(mktime(&tm)) + double(field(self, 6)) / 1e6);
}

WValue dt_weekday(WValue self, WValue *) { return wrt_int((toTm(self).tm_wday + 6) % 7); }

WValue dt_eq(WValue self, WValue *a) {
  if (!isKind(a[0], Kind::Instance) || typeOf(a[0]) != datetimeType) return NotImplemented;
  for (int i = 0; i < 7; ++i)
    if (field(self, i) != field(a[0], i)) return wrt_bool(0);
  return wrt_bool(1);
}

WValue dt_lt(WValue self, WValue *a) {
  if (!isKind(a[0], Kind::Instance) || typeOf(a[0]) != datetimeType) return NotImplemented;
  for (int i = 0; i < 7; ++i)
    if (field(self, i) != field(a[0], i)) return wrt_bool(field(self, i) < field(a[0], i));
  return wrt_bool(0);
}

struct timespec nowTs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

WValue dt_now(WNativeFunc *, WValue *) {
  struct timespec ts = nowTs();
  return fromEpoch(double(ts.tv_sec) + double(ts.tv_nsec / 1000) / 1e6);
}

WValue dt_fromtimestamp(WNativeFunc *, WValue *a) {
  double secs;
  if (a[1].tag == WT_FLOAT) secs = a[1].f;
  else if (isIntLike(a[1])) secs = double(a[1].i);
  else return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(a[1]));
  return fromEpoch(secs);
}

void addClassMethod(WTypeObj *t, const char *name, WNativeCode code, const char *params) {
  auto *w = newObj<WFuncWrapper>(T.classmethod);
  w->func = makeNative(name, code, params);
  typeSetAttr(t, name, wrt_obj(w));
}

WValue initDatetime() {
  WValue m = newModule("datetime");
  moduleSet(m, "datetime", wrt_obj(datetimeType));
  return m;
}

} // namespace

void initDatetimeModule() {
  datetimeType = newNativeClass("datetime", "datetime");
  WTypeObj *t = datetimeType;
  WEFT_TEXT_METHOD(t, "__init__", dt_init,
                   "self, year, month, day, hour=?, minute=?, second=?, microsecond=?");
  WEFT_TEXT_METHOD(t, "isoformat", dt_isoformat, "self, sep=?");
  WEFT_TEXT_METHOD(t, "__str__", dt_str, "self, /");
  WEFT_TEXT_METHOD(t, "__repr__", dt_repr, "self, /");
  WEFT_TEXT_METHOD(t, "strftime", dt_strftime, "self, format, /");
  WEFT_TEXT_METHOD(t, "timestamp", dt_timestamp, "self, /");
  WEFT_TEXT_METHOD(t, "__format__", dt_format, "self, fmt, /");
  WEFT_TEXT_METHOD(t, "weekday", dt_weekday, "self, /");
  WEFT_TEXT_METHOD(t, "__eq__", dt_eq, "self, other, /");
  WEFT_TEXT_METHOD(t, "__lt__", dt_lt, "self, other, /");
  addClassMethod(t, "now", dt_now, "cls, tz=None");
  addClassMethod(t, "today", dt_now, "cls");
  addClassMethod(t, "fromtimestamp", dt_fromtimestamp, "cls, t, tz=None");
  registerModule("datetime", initDatetime);
}

} // namespace weft::rt
