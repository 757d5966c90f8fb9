// Source.h: source files and positions. A SourceManager owns the text of every
// file the compiler reads; positions are 1-based line and column, columns
// counted in code points (as clang and CPython report them).
#ifndef WEFT_BASE_SOURCE_H
#define WEFT_BASE_SOURCE_H

#include <cstdint>
#include <string>
#include <vector>

namespace weft {

using FileID = uint32_t;

struct SourceLoc {
  uint32_t line = 0; ///< 1-based; 0 means "no location"
  uint32_t col = 0;  ///< 1-based, in code points
};

/// A half-open range [begin, end) on one or more lines.
struct SourceRange {
  SourceLoc begin, end;
  FileID file = 0;
};

/// Where a line of generated source came from (the REPL wraps each input):
/// [line] in the text the user typed (0: the line is generated), and how
/// many leading code points of the generated line the user did not type.
struct LineOrigin {
  uint32_t line = 0;
  uint32_t colShift = 0;
};

/// Owns file contents. Never shrinks, so FileIDs and line views stay valid.
class SourceManager {
public:
  /// Reads [path]; returns false when it cannot be read.
  bool load(const std::string &path, FileID &out, std::string &error);
  /// Registers text that did not come from disk (REPL input, tests).
  FileID add(std::string path, std::string text);

  const std::string &path(FileID f) const { return files[f].path; }
  const std::string &text(FileID f) const { return files[f].text; }
  /// The text of 1-based [line] without its newline, or "" when out of range.
  std::string lineText(FileID f, uint32_t line) const;

  /// Reports positions in [f] as positions in what the user typed, under
  /// [displayPath]: generated line i+1 came from [origins][i].
  void setOrigins(FileID f, std::string displayPath, std::vector<LineOrigin> origins);
  /// Whether [f] has origins (so diagnostics should translate positions).
  bool hasOrigins(FileID f) const { return !files[f].displayPath.empty(); }
  const std::string &displayPath(FileID f) const { return files[f].displayPath; }
  /// The origin of 1-based [line] of [f]: {0, 0} when generated or unknown.
  LineOrigin origin(FileID f, uint32_t line) const;

private:
  struct File {
    std::string path, text;
    std::vector<uint32_t> lineStarts; ///< byte offset of each line
    std::string displayPath;          ///< set by setOrigins
    std::vector<LineOrigin> origins;
  };
  std::vector<File> files;
};

} // namespace weft

#endif
