// ReplSource.cpp: input completion and the per-input module source. The
// scanning here is lexical (brackets, strings, comments, indentation), not a
// parse: the real parser sees the generated module and reports any error
// against it, so a misjudged input costs a diagnostic, never a wrong result.
#include "jit/ReplSource.h"

#include <regex>
#include <set>
#include <sstream>

namespace weft {

namespace {

/// Bracket depth at the end of [text], skipping strings and comments; sets
/// [openString] when a triple-quoted string is still open.
int bracketDepth(const std::string &text, bool &openString) {
  int depth = 0;
  openString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (c == '"' || c == '\'') {
      bool triple = text.compare(i, 3, std::string(3, c)) == 0;
      size_t j = i + (triple ? 3 : 1);
      bool closed = false;
      for (; j < text.size(); ++j) {
        if (text[j] == '\\') {
          ++j;
        } else if (triple ? text.compare(j, 3, std::string(3, c)) == 0 : text[j] == c) {
          j += triple ? 2 : 0;
          closed = true;
          break;
        } else if (!triple && text[j] == '\n') {
          break;
        }
      }
      if (!closed && triple)
        openString = true;
      i = j;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    }
  }
  return depth;
}

std::string rstrip(const std::string &s) {
  size_t e = s.find_last_not_of(" \t\r\n");
  return e == std::string::npos ? "" : s.substr(0, e + 1);
}

std::vector<std::string> splitLines(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return lines;
}

bool startsWithWord(const std::string &line, const char *word) {
  std::string w(word);
  return line.compare(0, w.size(), w) == 0 && (line.size() == w.size() || !isalnum((unsigned char)line[w.size()]) && line[w.size()] != '_');
}

/// A one-line input that is an expression statement: no statement keyword in
/// front and no `=` that assigns outside brackets.
bool isExpressionLine(const std::string &line) {
  static const char *keywords[] = {"if", "elif", "else", "for", "while", "def", "class", "import", "from",
                                   "return", "raise", "del", "pass", "assert", "global", "nonlocal", "with",
                                   "try", "except", "finally", "async", "break", "continue", "@", "print"};
  for (const char *k : keywords)
    if (startsWithWord(line, k) || (k[0] == '@' && line[0] == '@'))
      return false;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '#')
      break;
    else if (c == '(' || c == '[' || c == '{')
      ++depth;
    else if (c == ')' || c == ']' || c == '}')
      --depth;
    else if (c == '=' && depth == 0) {
      char prev = i ? line[i - 1] : 0, next = i + 1 < line.size() ? line[i + 1] : 0;
      if (next == '=') {
        ++i;
        continue;
      }
      if (prev == '!' || prev == '<' || prev == '>' || prev == '=')
        continue;
      return false; // assignment, augmented assignment or walrus at top level
    } else if (c == ':' && depth == 0) {
      return false; // annotation or block header
    }
  }
  return true;
}

/// Names a top-level statement of [lines] binds, for the `global` line of an
/// input wrapped in a coroutine (which would otherwise make them locals).
std::set<std::string> boundNames(const std::vector<std::string> &lines) {
  static const std::regex assign(R"(^([A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*)\s*(:[^=]*)?(=[^=]|[-+*/%&|^@]=|//=|>>=|<<=|\*\*=))");
  static const std::regex forTarget(R"(^(async\s+)?for\s+([A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*)\s+in\b)");
  static const std::regex asTarget(R"(\bas\s+([A-Za-z_]\w*))");
  static const std::regex defName(R"(^(async\s+)?(def|class)\s+([A-Za-z_]\w*))");
  static const std::regex importName(R"(^import\s+([A-Za-z_]\w*))");
  static const std::regex ident(R"([A-Za-z_]\w*)");
  std::set<std::string> names;
  auto addList = [&](const std::string &list) {
    for (std::sregex_iterator it(list.begin(), list.end(), ident), end; it != end; ++it)
      names.insert(it->str());
  };
  for (const std::string &raw : lines) {
    std::string line = raw.substr(raw.find_first_not_of(" \t") == std::string::npos ? raw.size() : raw.find_first_not_of(" \t"));
    std::smatch m;
    if (std::regex_search(line, m, assign) && m[1].str() != "else")
      addList(m[1].str());
    if (std::regex_search(line, m, forTarget))
      addList(m[2].str());
    if (std::regex_search(line, m, defName) && raw == line)
      names.insert(m[3].str());
    if (startsWithWord(line, "with") || startsWithWord(line, "import") || startsWithWord(line, "from") ||
        startsWithWord(line, "except"))
      for (std::sregex_iterator it(line.begin(), line.end(), asTarget), end; it != end; ++it)
        names.insert((*it)[1].str());
    if (std::regex_search(line, m, importName) && line.find(" as ") == std::string::npos)
      names.insert(m[1].str());
  }
  return names;
}

bool needsLoop(const std::vector<std::string> &lines) {
  if (lines.empty())
    return false;
  const std::string &first = lines[0];
  if (startsWithWord(first, "def") || startsWithWord(first, "class") || first[0] == '@' ||
      std::regex_search(first, std::regex(R"(^async\s+def\b)")))
    return false;
  // Calls that need a running loop run inside it too, as under
  // `python -m asyncio` (asyncio.run is then refused with Python's message).
  static const std::regex awaitWord(
      R"(\bawait\b|\basync\s+(for|with)\b|\b(create_task|ensure_future|get_running_loop|run)\s*\()");
  for (const std::string &l : lines)
    if (std::regex_search(l, awaitWord))
      return true;
  return false;
}

} // namespace

bool replNeedsMore(const std::string &buffer) {
  bool openString = false;
  if (bracketDepth(buffer, openString) > 0 || openString)
    return true;
  std::vector<std::string> lines = splitLines(buffer);
  if (lines.empty())
    return false;
  std::string last = rstrip(lines.back());
  if (!last.empty() && last.back() == '\\')
    return true;
  // A block (first line ends with ':', or a decorator) ends with a blank line.
  std::string first = rstrip(lines.front());
  bool block = (!first.empty() && first.back() == ':') || (!first.empty() && first[0] == '@');
  return block && !last.empty();
}

std::string buildReplModule(const std::string &input, const std::string &previousModule,
                            const std::vector<std::string> &previousNames, std::vector<LineOrigin> *origins) {
  std::vector<std::string> lines;
  std::vector<uint32_t> lineNos; // each kept line's number in [input]
  uint32_t lineNo = 0;
  for (const std::string &l : splitLines(input)) {
    ++lineNo;
    if (!rstrip(l).empty()) {
      lines.push_back(rstrip(l));
      lineNos.push_back(lineNo);
    }
  }
  std::vector<LineOrigin> map;
  std::ostringstream out;
  auto generated = [&](const std::string &text) {
    out << text << "\n";
    map.push_back({});
  };
  auto typed = [&](const std::string &prefix, const std::string &text, uint32_t no, uint32_t shift) {
    out << prefix << text << "\n";
    map.push_back({no, shift});
  };
  std::string importLine;
  if (!previousModule.empty() && !previousNames.empty()) {
    importLine = "from " + previousModule + " import ";
    for (size_t i = 0; i < previousNames.size(); ++i)
      importLine += (i ? ", " : "") + previousNames[i];
  }
  generated(importLine);
  bool echo = lines.size() == 1 && isExpressionLine(lines[0]);
  const std::string echoPrefix = "__weft_echo = ";
  if (needsLoop(lines)) {
    std::set<std::string> names = boundNames(lines);
    generated("import asyncio as __weft_aio");
    generated("async def __weft_cell() -> None:");
    if (echo)
      names.insert("__weft_echo");
    if (!names.empty()) {
      std::string global = "    global ";
      bool firstName = true;
      for (const std::string &n : names) {
        global += (firstName ? "" : ", ") + n;
        firstName = false;
      }
      generated(global);
    }
    for (size_t i = 0; i < lines.size(); ++i)
      typed(echo ? "    " + echoPrefix : "    ", lines[i], lineNos[i],
            echo ? 4 + static_cast<uint32_t>(echoPrefix.size()) : 4);
    // The session's one loop: get_event_loop() keeps it as the current loop,
    // so tasks made here go on running during later awaiting inputs.
    generated("__weft_aio.get_event_loop().run_until_complete(__weft_cell())");
  } else {
    for (size_t i = 0; i < lines.size(); ++i)
      typed(echo ? echoPrefix : "", lines[i], lineNos[i], echo ? static_cast<uint32_t>(echoPrefix.size()) : 0);
  }
  if (echo) {
    generated("if __weft_echo is not None:");
    generated("    print(repr(__weft_echo))");
  }
  if (origins)
    *origins = std::move(map);
  return out.str();
}

} // namespace weft
