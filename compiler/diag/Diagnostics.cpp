// Diagnostics.cpp: formatting diagnostics from their kinds and printing them
// with the source line and a caret range, columns in code points.
#include "diag/Diagnostics.h"

#include <algorithm>

namespace weft {

namespace {

struct KindInfo {
  Severity severity;
  const char *flag;
  const char *format;
};

const KindInfo kindTable[] = {
#define DIAG(Id, Sev, Flag, Fmt) {Severity::Sev, Flag, Fmt},
#include "diag/DiagnosticKinds.def"
#undef DIAG
};

std::string substitute(const char *fmt, const std::vector<std::string> &args) {
  std::string out;
  for (const char *p = fmt; *p; ++p) {
    if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
      size_t i = p[1] - '0';
      if (i < args.size())
        out += args[i];
      p += 2;
      continue;
    }
    out += *p;
  }
  return out;
}

const char *severityName(Severity s) {
  switch (s) {
  case Severity::Note: return "note";
  case Severity::Warning: return "warning";
  case Severity::Error: return "error";
  }
  return "error";
}

/// Byte length of the UTF-8 sequence starting with [c] (1 for invalid bytes).
size_t utf8Len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 6) return 2;
  if ((c >> 4) == 14) return 3;
  if ((c >> 3) == 30) return 4;
  return 1;
}

} // namespace

void DiagnosticEngine::report(DiagID id, SourceRange range, const std::vector<std::string> &args) {
  const KindInfo &k = kindTable[static_cast<size_t>(id)];
  Diagnostic d{id, k.severity, range, substitute(k.format, args), k.flag};
  if (d.severity == Severity::Warning) {
    if (std::find(disabled.begin(), disabled.end(), d.flag) != disabled.end())
      return;
    if (werror)
      d.severity = Severity::Error;
  }
  if (d.severity == Severity::Error)
    ++errorCount;
  else if (d.severity == Severity::Warning)
    ++warningCount;
  diags.push_back(d);
  if (d.severity == Severity::Error && errorCount > errorLimit)
    return;
  print(d);
}

void DiagnosticEngine::print(const Diagnostic &d) {
  SourceLoc b = d.range.begin;
  SourceLoc e = d.range.end;
  std::string line = b.line ? sm.lineText(d.range.file, b.line) : "";
  std::string path = sm.path(d.range.file);
  if (sm.hasOrigins(d.range.file)) {
    // Generated source (a REPL input): report the position in what was
    // typed, and show the line without the wrapping the user never wrote.
    path = sm.displayPath(d.range.file);
    LineOrigin o = sm.origin(d.range.file, b.line);
    size_t cut = 0;
    for (uint32_t k = 0; k < o.colShift && cut < line.size(); ++k)
      cut += utf8Len(static_cast<unsigned char>(line[cut]));
    line = o.line ? line.substr(cut) : "";
    uint32_t shift = o.colShift;
    b = o.line ? SourceLoc{o.line, b.col > shift ? b.col - shift : 1} : SourceLoc{};
    e = SourceLoc{e.line == d.range.begin.line ? b.line : e.line, e.col > shift ? e.col - shift : 1};
  }
  out << path;
  if (b.line)
    out << ':' << b.line << ':' << b.col;
  out << ": " << severityName(d.severity) << ": " << d.message;
  if (!d.flag.empty())
    out << " [" << d.flag << ']';
  out << '\n';
  if (!b.line)
    return;
  // Source line, with tabs kept so the caret lines up under them.
  out << line << '\n';
  std::string caret;
  uint32_t col = 1;
  size_t i = 0;
  while (i < line.size() && col < b.col) {
    caret += line[i] == '\t' ? '\t' : ' ';
    i += utf8Len(static_cast<unsigned char>(line[i]));
    ++col;
  }
  caret += '^';
  uint32_t endCol = e.line == b.line ? e.col : 0;
  if (e.line > b.line) {
    // A range that runs past this line is underlined to the line's end.
    uint32_t n = 0;
    for (size_t j = 0; j < line.size(); j += utf8Len(static_cast<unsigned char>(line[j])))
      ++n;
    endCol = n + 1;
  }
  for (uint32_t c = b.col + 1; c < endCol; ++c)
    caret += '~';
  out << caret << '\n';
}

} // namespace weft
