// StdlibCache.h: the Weft-written stdlib (stdlib/asyncio/...) compiled once
// into an object file and kept in a cache directory, so `weft build` and
// `weft run` of an asyncio program do not optimise and compile a thousand
// lines of library code on every run. The stdlib's IR depends only on its
// own sources (it is not type-checked against the program, and the program
// reaches it only through each module's exported init symbol), so one
// object per (compiler, -O level, stdlib sources) serves every program.
#ifndef WEFT_DRIVER_STDLIBCACHE_H
#define WEFT_DRIVER_STDLIBCACHE_H

#include "base/Source.h"
#include "driver/ModuleLoader.h"

#include <string>
#include <vector>

namespace weft {

/// Where compiled stdlib objects live: $WEFT_CACHE_DIR, else
/// $XDG_CACHE_HOME/weft, else ~/.cache/weft. "" when caching is off
/// (WEFT_CACHE=0) or no directory can be named.
std::string stdlibCacheDir();

struct StdlibObject {
  std::string path;       ///< the object file
  bool temporary = false; ///< not in the cache: the caller removes it
};

/// The object file holding [modules] (every stdlib module of one program)
/// compiled at [optLevel]: a cache hit, or compiled now and stored.
/// [argv0] identifies the compiler. Returns false with [error].
bool stdlibObject(const std::vector<const LoadedModule *> &modules, const SourceManager &sm, int optLevel,
                  const char *argv0, StdlibObject &out, std::string &error);

} // namespace weft

#endif
