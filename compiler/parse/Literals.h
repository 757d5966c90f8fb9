// Literals.h: the pure, ANTLR-free part of literal handling, shared by the
// AST builder and unit-tested directly: number values (with int64 overflow
// detected by length first) and string-literal prefix splitting and escape
// decoding (str to UTF-8, bytes to raw bytes).
#ifndef WEFT_PARSE_LITERALS_H
#define WEFT_PARSE_LITERALS_H

#include <cstdint>
#include <string>

namespace weft::parse {

struct NumberValue {
  enum Kind { Int, Float, TooLarge, Imaginary, LeadingZeros } kind = Int;
  int64_t intValue = 0;
  double floatValue = 0;
};

/// The value of NUMBER token text [text] (underscores allowed).
NumberValue parseNumber(const std::string &text);

struct StringPrefix {
  size_t prefixLen = 0; ///< letters before the quote
  size_t quoteLen = 1;  ///< 1 or 3
  bool isRaw = false, isBytes = false, isFString = false;
};

/// Splits STRING token text into prefix flags and quote length.
StringPrefix splitStringLiteral(const std::string &text);

/// Decodes the escapes of a literal body (no quotes). Newlines in the source
/// (\r\n, \r) become \n. Returns false with CPython's message in [error] for
/// an invalid escape (e.g. truncated \x); [out] then holds what was decoded.
bool decodeEscapes(const std::string &body, bool isBytes, bool isRaw, std::string &out, std::string &error);

/// Appends code point [cp] to [out] as UTF-8 (surrogates as 3 bytes, as
/// Python's str may hold them).
void appendUtf8(std::string &out, uint32_t cp);

/// NFKC form of identifier [utf8], as PEP 3131 defines identifier equality.
std::string normalizeIdentifier(const std::string &utf8);

} // namespace weft::parse

#endif
