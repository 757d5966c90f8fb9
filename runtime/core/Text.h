// Text.h: internal helpers shared by the text files of the runtime (float
// repr, the format-spec mini-language, str methods, %-formatting, bytes).
// Nothing here is part of the C ABI; the entry points other runtime files
// need are declared in Object.h's "rt-text" block.
#ifndef WEFT_RT_CORE_TEXT_H
#define WEFT_RT_CORE_TEXT_H

#include "core/Object.h"
#include "weft/rt/wrt_api.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace weft::rt {

/// A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type].
/// Mirrors CPython's InternalFormatSpec (Python/formatter_unicode.c).
struct FormatSpec {
  uint32_t fill = ' ';     ///< a code point
  char align = 0;          ///< one of <>=^, or 0 for "the type's default"
  char sign = 0;           ///< + - space, or 0
  bool noNeg0 = false;     ///< 'z'
  bool alternate = false;  ///< '#'
  int64_t width = -1;
  char grouping = 0;       ///< ',' or '_' or 0
  int64_t precision = -1;
  uint32_t type = 0;       ///< presentation type code point, 0 when none
};

/// Parses [spec] with CPython's rules; [defaultAlign] is '<' for str and '>'
/// for numbers. [typeName] names the object's type in error messages. On
/// error raises ValueError and returns false.
bool parseFormatSpec(std::string_view spec, char defaultAlign, const char *typeName,
                     FormatSpec &out);

/// The formatting of each builtin type; append to [out]. Return false with an
/// exception pending on error.
bool formatIntSpec(int64_t v, const FormatSpec &spec, const char *typeName, std::string &out);
bool formatFloatSpec(double v, const FormatSpec &spec, const char *typeName, std::string &out);
bool formatStrSpec(std::string_view s, const FormatSpec &spec, const char *typeName,
                   std::string &out);

/// PyOS_double_to_string: [type] is one of e E f F g G r; 'r' ignores
/// [precision]. The result carries a leading '-' for negative values.
std::string doubleToString(double v, char type, int precision, bool addDot0, bool alt,
                           bool noNeg0 = false);

/// Appends the decimal digits of [v] (no printf).
inline void appendDecimal(std::string &out, int64_t v) {
  char buf[24];
  char *end = buf + sizeof buf, *p = end;
  uint64_t m = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  do {
    *--p = char('0' + m % 10);
    m /= 10;
  } while (m);
  if (v < 0) *--p = '-';
  out.append(p, size_t(end - p));
}

/// UTF-8 helpers. decodeUtf8 reads one code point at [i] (advancing it); the
/// input is assumed valid (str objects always are).
uint32_t decodeUtf8(std::string_view s, size_t &i);
void appendUtf8(std::string &out, uint32_t cp);
int64_t countCodePoints(std::string_view s);
/// True when [s] is valid UTF-8 (no surrogates, no overlongs).
bool validUtf8(std::string_view s);

/// Byte offset of code point [index] in [s] (0 <= index <= length).
size_t codePointOffset(WStr *s, int64_t index);

/// Unicode character classes used by str methods (ASCII plus Latin-1,
/// Latin Extended, Greek and Cyrillic case mappings).
bool isSpaceCp(uint32_t c);
bool isAlphaCp(uint32_t c);
bool isDigitCp(uint32_t c);
bool isDecimalCp(uint32_t c);
bool isNumericCp(uint32_t c);
bool isUpperCp(uint32_t c);
bool isLowerCp(uint32_t c);
bool isPrintableCp(uint32_t c);
uint32_t toUpperCp(uint32_t c);
uint32_t toLowerCp(uint32_t c);
/// Appends the upper-case form (may be several code points, e.g. ß -> SS).
void appendUpper(std::string &out, uint32_t c);
void appendLower(std::string &out, uint32_t c);
void appendTitle(std::string &out, uint32_t c);

/// Builds a str from bytes known to be valid UTF-8 with a known code-point
/// count (saves a pass); [length] < 0 means "count it".
WValue makeStr(std::string_view utf8, int64_t length = -1);

/// ascii(): [s] with every non-ASCII code point as \xhh, \uhhhh or \Uhhhhhhhh.
void appendAsciiEscaped(std::string &out, std::string_view s);

/// repr of str / bytes contents appended to [out].
void appendStrRepr(std::string &out, std::string_view s);

/// 0..15 for a hex digit of either case, else -1.
int hexDigitValue(char c);
/// [data] as two hex digits per byte (lower case unless [upper]).
std::string hexEncode(std::string_view data, bool upper = false);
void appendBytesRepr(std::string &out, std::string_view b);

/// The str.format method's engine: [args] positional, [kwargs] dict or null.
WValue strFormatMethod(std::string_view fmt, int64_t nargs, WValue *args, WDict *kwargs);

/// format(value, spec) appended to [out] (the engine of wrt_format).
bool formatValueInto(WValue v, std::string_view spec, std::string &out);

/// Normalises an int index (negative from the end); false if out of range.
bool normIndex(int64_t &i, int64_t length);

/// Methods here are written as `WValue m(WValue self, WValue *args)` with
/// args = the parameters after self; this adapts them to rt-core's native
/// calling convention (args[0] is self).
using TextFn = WValue (*)(WValue self, WValue *args);
template <TextFn F> WValue textTrampoline(WNativeFunc *, WValue *args) {
  return F(args[0], args + 1);
}
#define WEFT_TEXT_METHOD(type, name, fn, params) \
  ::weft::rt::addMethod(type, name, ::weft::rt::textTrampoline<fn>, params)

/// Argument helpers: the value as a str/int, or a TypeError like CPython's.
inline bool isStrVal(WValue v) { return isStr(v); }
inline WStr *asWStr(WValue v) { return reinterpret_cast<WStr *>(v.o); }
WValue newTupleOf(std::initializer_list<WValue> items);
/// Resolves optional start/end arguments (None or int) against [length] as
/// CPython's ADJUST_INDICES does.
bool adjustRange(WValue start, WValue end, int64_t length, int64_t &s, int64_t &e);

/// str.encode / bytes.decode with CPython's codecs (utf-8, ascii, latin-1)
/// and error handlers; UNBOUND/None arguments mean the defaults.
WValue strEncode(WValue self, WValue encoding, WValue errors);
WValue bytesDecode(WValue self, WValue encoding, WValue errors);

/// str(v) appended to [out], with fast paths for int/float/bool/None/str.
bool appendPrinted(std::string &out, WValue v);
/// sys.stdout (fd 1) or sys.stderr (fd 2) stream objects.
WValue stdStream(int fd);

/// A class implemented natively whose instances are WInstance-shaped
/// (attributes in a dict) and whose dunder methods rt-core dispatches like
/// a user class's (TYPE_USER).
WTypeObj *newNativeClass(const char *name, const char *module);
WValue newNativeInstance(WTypeObj *t);
/// Sets attribute [name] in an instance's dict.
void instSet(WValue inst, const char *name, WValue v);
WValue instGet(WValue inst, const char *name); ///< UNBOUND when absent

/// A file object over an open descriptor (sys.stdin), as open() makes them.
WValue fileFromFd(int fd, bool binary, bool readable, bool writable, WValue name, WValue mode);

/// sys.stdin: a text file object over fd 0, made on first use.
WValue stdinFile();

/// str(x) as std::string; false with an exception pending on error.
bool toStdString(WValue v, std::string &out);
bool toReprString(WValue v, std::string &out);

} // namespace weft::rt

#endif
