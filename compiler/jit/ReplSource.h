// ReplSource.h: the text side of the REPL. Decides when an input is complete
// (open brackets, a block header awaiting its blank line) and turns one input
// into the source of its own Weft module: an import of the names earlier
// inputs defined, the input itself (wrapped in a coroutine run on the
// session's event loop when it awaits at the top level), and the echo of an
// expression's repr (docs/design.md, "REPL").
#ifndef WEFT_JIT_REPLSOURCE_H
#define WEFT_JIT_REPLSOURCE_H

#include "base/Source.h"

#include <string>
#include <vector>

namespace weft {

/// Whether the lines typed so far ([buffer], newline-terminated) need more
/// before they form a complete input.
bool replNeedsMore(const std::string &buffer);

/// The module source for [input]. [previousModule] is the module of the
/// last input that ran, exporting [previousNames]; empty for the first.
/// [origins], when given, receives where each generated line came from in
/// [input], for diagnostics that point at what the user typed.
std::string buildReplModule(const std::string &input, const std::string &previousModule,
                            const std::vector<std::string> &previousNames,
                            std::vector<LineOrigin> *origins = nullptr);

} // namespace weft

#endif
