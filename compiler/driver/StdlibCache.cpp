// StdlibCache.cpp: finds or makes the compiled stdlib object. The cache key
// hashes the compiler's identity (its path, size and modification time: a
// rebuilt weft never reuses an older build's objects), the -O level, and
// the path and text of every stdlib module in the set. An entry is written
// to a temporary name and renamed into place, so processes compiling the
// same entry at once (a parallel test run) never see half of one; an entry
// that does not parse as an object file is compiled again.
#include "driver/StdlibCache.h"

#include "codegen/Codegen.h"
#include "codegen/ObjectEmitter.h"

#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MD5.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weft {

namespace {

/// How many compiled stdlibs a cache directory keeps: one per compiler
/// build, -O level and set of stdlib modules a program imports (asyncio;
/// asyncio with contextlib; logging; ...). An entry is at most a few
/// hundred kilobytes; the least recently used go when a new one is stored.
constexpr size_t kMaxEntries = 64;

std::string cacheKey(const std::vector<const LoadedModule *> &modules, const SourceManager &sm, int optLevel,
                     const char *argv0) {
  llvm::MD5 md5;
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&cacheKey));
  llvm::sys::fs::file_status st;
  md5.update(exe);
  if (!llvm::sys::fs::status(exe, st)) {
    md5.update(std::to_string(st.getSize()));
    md5.update(std::to_string(st.getLastModificationTime().time_since_epoch().count()));
  }
  md5.update("O" + std::to_string(optLevel));
  for (const LoadedModule *m : modules) {
    md5.update(m->name);
    md5.update(sm.path(m->ast->file));
    md5.update(std::to_string(sm.text(m->ast->file).size()));
    md5.update(sm.text(m->ast->file));
  }
  llvm::MD5::MD5Result r;
  md5.final(r);
  return std::string(r.digest().str());
}

bool isObjectFile(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return false;
  auto obj = llvm::object::ObjectFile::createObjectFile((*buf)->getMemBufferRef());
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return false;
  }
  return true;
}

/// Generates, links, optimises and emits [modules] as one object at [path].
bool compileStdlib(const std::vector<const LoadedModule *> &modules, const SourceManager &sm, int optLevel,
                   const std::string &path, std::string &error) {
  llvm::LLVMContext ctx;
  CodegenOptions opts;
  opts.emitMain = false;
  opts.exportModule = true;
  std::unique_ptr<llvm::Module> lib = generateModule(*modules[0]->ast, sm, ctx, opts);
  {
    llvm::Linker linker(*lib);
    for (size_t i = 1; i < modules.size(); ++i)
      if (linker.linkInModule(generateModule(*modules[i]->ast, sm, ctx, opts))) {
        error = "internal compiler error: cannot link stdlib module '" + modules[i]->name + "'";
        return false;
      }
  }
  if (!prepareForHost(*lib, error))
    return false;
  std::string verifyErrors;
  llvm::raw_string_ostream verifyOut(verifyErrors);
  if (llvm::verifyModule(*lib, &verifyOut)) {
    error = "internal compiler error: invalid IR generated for the stdlib\n" + verifyOut.str().substr(0, 2000);
    return false;
  }
  optimizeModule(*lib, optLevel);
  return emitObjectFile(*lib, path, optLevel, error);
}

/// Keeps the kMaxEntries most recently used stdlib objects of [dir].
void trimCache(const std::string &dir) {
  std::vector<std::pair<llvm::sys::TimePoint<>, std::string>> entries;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (!name.starts_with("stdlib-") || !name.ends_with(".o"))
      continue;
    llvm::sys::fs::file_status st;
    if (!llvm::sys::fs::status(it->path(), st))
      entries.push_back({st.getLastModificationTime(), it->path()});
  }
  if (entries.size() <= kMaxEntries)
    return;
  std::sort(entries.begin(), entries.end(), [](auto &a, auto &b) { return a.first > b.first; });
  for (size_t i = kMaxEntries; i < entries.size(); ++i)
    llvm::sys::fs::remove(entries[i].second);
}

} // namespace

std::string stdlibCacheDir() {
  const char *off = std::getenv("WEFT_CACHE");
  if (off && std::string(off) == "0")
    return "";
  if (const char *d = std::getenv("WEFT_CACHE_DIR"); d && *d)
    return d;
  llvm::SmallString<256> p;
  if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    p = x;
  } else if (const char *h = std::getenv("HOME"); h && *h) {
    p = h;
    llvm::sys::path::append(p, ".cache");
  } else {
    return "";
  }
  llvm::sys::path::append(p, "weft");
  return std::string(p);
}

bool stdlibObject(const std::vector<const LoadedModule *> &modules, const SourceManager &sm, int optLevel,
                  const char *argv0, StdlibObject &out, std::string &error) {
  std::string dir = stdlibCacheDir();
  if (!dir.empty() && llvm::sys::fs::create_directories(dir))
    dir.clear();
  if (!dir.empty()) {
    llvm::SmallString<256> entry(dir);
    llvm::sys::path::append(entry, "stdlib-" + cacheKey(modules, sm, optLevel, argv0) + ".o");
    out = {std::string(entry), false};
    if (isObjectFile(out.path)) {
      // A hit counts as a use: trimCache keeps the recently used.
      ::utimensat(AT_FDCWD, out.path.c_str(), nullptr, 0);
      return true;
    }
    // Compiled next to the entry, then renamed: same file system.
    llvm::SmallString<256> tmp;
    if (!llvm::sys::fs::createUniqueFile(out.path + ".%%%%%%.tmp", tmp)) {
      if (!compileStdlib(modules, sm, optLevel, std::string(tmp), error)) {
        llvm::sys::fs::remove(tmp);
        return false;
      }
      if (!llvm::sys::fs::rename(tmp, out.path)) {
        trimCache(dir);
        return true;
      }
      llvm::sys::fs::remove(tmp);
    }
  }
  // No usable cache: a temporary object for this compilation only.
  llvm::SmallString<128> tmp;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("weft-stdlib", "o", fd, tmp)) {
    error = "cannot create a temporary file";
    return false;
  }
  ::close(fd);
  out = {std::string(tmp), true};
  if (compileStdlib(modules, sm, optLevel, out.path, error))
    return true;
  llvm::sys::fs::remove(out.path);
  return false;
}

} // namespace weft
