// Diagnostics.h: the one diagnostics engine. Phases report through it by
// kind (DiagnosticKinds.def) with arguments; the TextDiagnosticPrinter
// writes clang's format:
//   file:line:col: error: message [kind]
//       source line
//       ^~~~~
// Every error is kept; the driver checks hasErrors() between phases.
#ifndef WEFT_DIAG_DIAGNOSTICS_H
#define WEFT_DIAG_DIAGNOSTICS_H

#include "base/Source.h"

#include <ostream>
#include <string>
#include <vector>

namespace weft {

enum class DiagID {
#define DIAG(Id, Sev, Flag, Fmt) Id,
#include "diag/DiagnosticKinds.def"
#undef DIAG
};

enum class Severity { Note, Warning, Error };

struct Diagnostic {
  DiagID id;
  Severity severity;
  SourceRange range;
  std::string message;
  std::string flag;
};

class DiagnosticEngine {
public:
  DiagnosticEngine(const SourceManager &sm, std::ostream &out) : sm(sm), out(out) {}

  /// Formats and prints one diagnostic now. [args] fill {0}, {1}, ...
  void report(DiagID id, SourceRange range, const std::vector<std::string> &args = {});

  bool hasErrors() const { return errorCount > 0; }
  unsigned errors() const { return errorCount; }
  unsigned warnings() const { return warningCount; }

  /// -Werror: warnings become errors. -Wno-<flag>: silenced.
  void setWarningsAsErrors(bool b) { werror = b; }
  void disableFlag(const std::string &flag) { disabled.push_back(flag); }
  /// Stops printing after this many errors (one bad file can produce many).
  void setErrorLimit(unsigned n) { errorLimit = n; }

  const std::vector<Diagnostic> &all() const { return diags; }

private:
  void print(const Diagnostic &d);

  const SourceManager &sm;
  std::ostream &out;
  std::vector<Diagnostic> diags;
  std::vector<std::string> disabled;
  unsigned errorCount = 0, warningCount = 0, errorLimit = 50;
  bool werror = false;
};

} // namespace weft

#endif
