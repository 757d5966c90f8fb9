// ModuleLoader.h: finds and parses every Weft module a program imports.
// A module is a file `NAME.weft` (or `.py`) in the main file's folder, or in
// the stdlib folder (`NAME.weft` or `NAME/__init__.weft`). Imports that match
// no file are left to the runtime, which provides its native modules (math,
// time, the asyncio core) by name.
#ifndef WEFT_DRIVER_MODULELOADER_H
#define WEFT_DRIVER_MODULELOADER_H

#include "ast/AST.h"
#include "diag/Diagnostics.h"

#include <string>
#include <vector>

namespace weft {

struct LoadedModule {
  std::string name;  ///< "__main__", "helpers", "asyncio"
  Module *ast = nullptr;
  bool fromStdlib = false;
};

class ModuleLoader {
public:
  ModuleLoader(SourceManager &sm, ASTContext &ctx, DiagnosticEngine &diags, std::vector<std::string> searchDirs,
               std::string stdlibDir)
      : sm(sm), ctx(ctx), diags(diags), searchDirs(std::move(searchDirs)), stdlibDir(std::move(stdlibDir)) {}

  /// Parses [file] as __main__ and every module it imports, transitively.
  /// Returns false when a module failed to parse.
  bool load(FileID mainFile);

  /// The main module first, then the imported ones.
  const std::vector<LoadedModule> &modules() const { return loaded; }

private:
  void loadImportsOf(Module *m, bool fromStdlib);
  bool findFile(const std::string &name, bool stdlibOnly, std::string &path, bool &inStdlib) const;

  SourceManager &sm;
  ASTContext &ctx;
  DiagnosticEngine &diags;
  std::vector<std::string> searchDirs;
  std::string stdlibDir;
  std::vector<LoadedModule> loaded;
};

} // namespace weft

#endif
