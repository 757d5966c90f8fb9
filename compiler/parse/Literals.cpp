// Literals.cpp: number values and string escape decoding (see Literals.h).
// Messages follow CPython 3.11's (unicode error) / (value error) wording.
#include "parse/Literals.h"

#include <cstdlib>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

namespace weft::parse {

NumberValue parseNumber(const std::string &text) {
  NumberValue v;
  std::string s;
  s.reserve(text.size());
  for (char c : text)
    if (c != '_')
      s += c;
  if (s.empty())
    return v;
  if (s.back() == 'j' || s.back() == 'J') {
    v.kind = NumberValue::Imaginary;
    return v;
  }
  int base = 10;
  size_t start = 0;
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
    char b = s[1] | 0x20;
    base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
    start = 2;
  } else if (s.find_first_of(".eE") != std::string::npos) {
    v.kind = NumberValue::Float;
    v.floatValue = std::strtod(s.c_str(), nullptr);
    return v;
  } else if (s.size() > 1 && s[0] == '0' && s.find_first_not_of('0') != std::string::npos) {
    v.kind = NumberValue::LeadingZeros;
    return v;
  }
  while (start < s.size() && s[start] == '0')
    ++start;
  // Reject by length before converting: a 10^6-digit literal costs one compare.
  size_t digits = s.size() - start;
  size_t maxDigits = base == 16 ? 16 : base == 10 ? 19 : base == 8 ? 21 : 63;
  if (digits > maxDigits) {
    v.kind = NumberValue::TooLarge;
    return v;
  }
  unsigned __int128 value = 0;
  for (size_t i = start; i < s.size(); ++i) {
    char c = s[i];
    int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    value = value * base + d;
  }
  if (value > static_cast<unsigned __int128>(INT64_MAX)) {
    v.kind = NumberValue::TooLarge;
    return v;
  }
  v.intValue = static_cast<int64_t>(value);
  return v;
}

StringPrefix splitStringLiteral(const std::string &text) {
  StringPrefix p;
  while (p.prefixLen < text.size() && text[p.prefixLen] != '\'' && text[p.prefixLen] != '"') {
    char c = text[p.prefixLen] | 0x20;
    p.isRaw |= c == 'r';
    p.isBytes |= c == 'b';
    p.isFString |= c == 'f';
    ++p.prefixLen;
  }
  if (p.prefixLen + 6 <= text.size() && text.compare(p.prefixLen, 3, std::string(3, text[p.prefixLen])) == 0)
    p.quoteLen = 3;
  return p;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

bool decodeEscapes(const std::string &body, bool isBytes, bool isRaw, std::string &out, std::string &error) {
  out.clear();
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == '\r') {
      // Source newlines read as \n, as CPython's reader translates them.
      out += '\n';
      i += (i + 1 < body.size() && body[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (isBytes && static_cast<unsigned char>(c) >= 0x80) {
      error = "bytes can only contain ASCII literal characters";
      return false;
    }
    if (c != '\\' || isRaw || i + 1 >= body.size()) {
      out += c;
      ++i;
      continue;
    }
    size_t escStart = i;
    char e = body[i + 1];
    i += 2;
    switch (e) {
    case '\n': break; // line continuation
    case '\r':
      if (i < body.size() && body[i] == '\n')
        ++i;
      break;
    case '\\': out += '\\'; break;
    case '\'': out += '\''; break;
    case '"': out += '"'; break;
    case 'a': out += '\a'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'v': out += '\v'; break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      uint32_t v = e - '0';
      for (int k = 0; k < 2 && i < body.size() && body[i] >= '0' && body[i] <= '7'; ++k, ++i)
        v = v * 8 + (body[i] - '0');
      if (isBytes)
        out += static_cast<char>(v & 0xFF);
      else
        appendUtf8(out, v);
      break;
    }
    case 'x': case 'u': case 'U': {
      if (isBytes && e != 'x') {
        // \u is not an escape in bytes: kept as written.
        out += '\\';
        out += e;
        break;
      }
      int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      uint32_t v = 0;
      int k = 0;
      for (; k < n && i < body.size() && hexValue(body[i]) >= 0; ++k, ++i)
        v = v * 16 + hexValue(body[i]);
      std::string pos = std::to_string(escStart) + "-" + std::to_string(i - 1);
      if (k < n) {
        if (isBytes)
          error = "(value error) invalid \\x escape at position " + std::to_string(escStart);
        else
          error = "(unicode error) 'unicodeescape' codec can't decode bytes in position " + pos +
                  ": truncated \\" + (e == 'x' ? "xXX" : e == 'u' ? "uXXXX" : "UXXXXXXXX") + " escape";
        return false;
      }
      if (v > 0x10FFFF) {
        error = "(unicode error) 'unicodeescape' codec can't decode bytes in position " + pos +
                ": illegal Unicode character";
        return false;
      }
      if (isBytes)
        out += static_cast<char>(v);
      else
        appendUtf8(out, v);
      break;
    }
    case 'N': {
      if (isBytes) {
        out += '\\';
        out += e;
        break;
      }
      // \N{NAME}: looked up in ICU's Unicode name table (names and aliases,
      // case-insensitive), as CPython's unicodedata does.
      size_t close = i < body.size() && body[i] == '{' ? body.find('}', i) : std::string::npos;
      std::string where = "(unicode error) 'unicodeescape' codec can't decode bytes in position " +
                          std::to_string(escStart) + "-";
      if (close == std::string::npos || close == i + 1) {
        error = where + std::to_string(i - 1) + ": malformed \\N character escape";
        return false;
      }
      std::string name = body.substr(i + 1, close - i - 1);
      UErrorCode status = U_ZERO_ERROR;
      UChar32 cp = u_charFromName(U_UNICODE_CHAR_NAME, name.c_str(), &status);
      if (U_FAILURE(status)) {
        status = U_ZERO_ERROR;
        cp = u_charFromName(U_CHAR_NAME_ALIAS, name.c_str(), &status);
      }
      if (U_FAILURE(status) || cp < 0) {
        error = where + std::to_string(close) + ": unknown Unicode character name";
        return false;
      }
      appendUtf8(out, static_cast<uint32_t>(cp));
      i = close + 1;
      break;
    }
    default:
      // An unknown escape keeps its backslash (CPython warns, we accept).
      out += '\\';
      --i;
      break;
    }
  }
  return true;
}

std::string normalizeIdentifier(const std::string &utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&status);
  if (U_FAILURE(status))
    return utf8;
  std::u16string in(utf8.size(), u'\0'), norm;
  int32_t len = 0;
  u_strFromUTF8(reinterpret_cast<UChar *>(in.data()), static_cast<int32_t>(in.size()), &len, utf8.data(),
                static_cast<int32_t>(utf8.size()), &status);
  if (U_FAILURE(status))
    return utf8;
  in.resize(static_cast<size_t>(len));
  norm.resize(in.size() * 4 + 8);
  int32_t n = unorm2_normalize(nfkc, reinterpret_cast<const UChar *>(in.data()), len,
                               reinterpret_cast<UChar *>(norm.data()), static_cast<int32_t>(norm.size()), &status);
  if (U_FAILURE(status))
    return utf8;
  std::string out(static_cast<size_t>(n) * 3 + 4, '\0');
  int32_t outLen = 0;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &outLen, reinterpret_cast<const UChar *>(norm.data()), n,
              &status);
  if (U_FAILURE(status))
    return utf8;
  out.resize(static_cast<size_t>(outLen));
  return out;
}

} // namespace weft::parse
