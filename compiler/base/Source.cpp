// Source.cpp: loading files and finding lines for diagnostics.
#include "base/Source.h"

#include <fstream>
#include <sstream>

namespace weft {

bool SourceManager::load(const std::string &path, FileID &out, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = add(path, ss.str());
  return true;
}

FileID SourceManager::add(std::string path, std::string text) {
  File f;
  f.path = std::move(path);
  f.text = std::move(text);
  f.lineStarts.push_back(0);
  for (uint32_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n')
      f.lineStarts.push_back(i + 1);
  files.push_back(std::move(f));
  return static_cast<FileID>(files.size() - 1);
}

std::string SourceManager::lineText(FileID id, uint32_t line) const {
  if (id >= files.size())
    return "";
  const File &f = files[id];
  if (line == 0 || line > f.lineStarts.size())
    return "";
  uint32_t start = f.lineStarts[line - 1];
  uint32_t end = start;
  while (end < f.text.size() && f.text[end] != '\n' && f.text[end] != '\r')
    ++end;
  return f.text.substr(start, end - start);
}

void SourceManager::setOrigins(FileID id, std::string displayPath, std::vector<LineOrigin> origins) {
  files[id].displayPath = std::move(displayPath);
  files[id].origins = std::move(origins);
}

LineOrigin SourceManager::origin(FileID id, uint32_t line) const {
  const File &f = files[id];
  if (line == 0 || line > f.origins.size())
    return {};
  return f.origins[line - 1];
}

} // namespace weft
