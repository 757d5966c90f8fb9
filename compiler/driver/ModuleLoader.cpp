// ModuleLoader.cpp: import discovery. Every `import m` / `from m import x`
// anywhere in a module (function bodies included) names a module to load;
// each is parsed once, in the order first imported.
#include "driver/ModuleLoader.h"

#include "parse/Parser.h"
#include "sema/AstWalk.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace weft {

bool ModuleLoader::findFile(const std::string &name, bool stdlibOnly, std::string &path, bool &inStdlib) const {
  std::string rel = name;
  for (char &c : rel)
    if (c == '.')
      c = '/';
  auto tryDir = [&](const std::string &dir, const std::vector<std::string> &exts) {
    for (const std::string &ext : exts) {
      llvm::SmallString<256> p(dir);
      llvm::sys::path::append(p, rel + ext);
      if (llvm::sys::fs::is_regular_file(p)) {
        path = std::string(p);
        return true;
      }
      llvm::SmallString<256> pkg(dir);
      llvm::sys::path::append(pkg, rel, "__init__" + ext);
      if (llvm::sys::fs::is_regular_file(pkg)) {
        path = std::string(pkg);
        return true;
      }
    }
    return false;
  };
  if (!stdlibOnly)
    for (const std::string &d : searchDirs)
      if (tryDir(d, {".weft", ".py"})) {
        inStdlib = false;
        return true;
      }
  if (!stdlibDir.empty() && tryDir(stdlibDir, {".weft"})) {
    inStdlib = true;
    return true;
  }
  return false;
}

bool ModuleLoader::load(FileID mainFile) {
  Module *m = parseModule(sm, mainFile, ctx, diags, "__main__");
  if (!m || diags.hasErrors())
    return false;
  loaded.push_back({"__main__", m, false});
  for (size_t i = 0; i < loaded.size(); ++i) {
    loadImportsOf(loaded[i].ast, loaded[i].fromStdlib);
    if (diags.hasErrors())
      return false;
  }
  return true;
}

void ModuleLoader::loadImportsOf(Module *m, bool fromStdlib) {
  std::vector<std::string> names;
  walkStmts(m->body, true, [&](Stmt *s) {
    if (auto *imp = dynamic_cast<ImportStmt *>(s))
      for (Alias &a : imp->names)
        names.push_back(a.name);
    else if (auto *from = dynamic_cast<ImportFromStmt *>(s); from && from->level == 0)
      names.push_back(from->module);
  });
  for (const std::string &name : names) {
    bool seen = false;
    for (const LoadedModule &l : loaded)
      seen |= l.name == name;
    if (seen)
      continue;
    std::string path;
    bool inStdlib = false;
    // Stdlib modules import only stdlib (or native) modules, never the
    // program's own files.
    if (!findFile(name, fromStdlib, path, inStdlib))
      continue;
    FileID f;
    std::string error;
    if (!sm.load(path, f, error)) {
      diags.report(DiagID::CannotOpenFile, SourceRange{}, {error});
      continue;
    }
    Module *dep = parseModule(sm, f, ctx, diags, name);
    if (dep)
      loaded.push_back({name, dep, inStdlib});
  }
}

} // namespace weft
