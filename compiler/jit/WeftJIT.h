// WeftJIT.h: the in-process back end for `weft run`. Wraps ORC's LLJIT so
// that JIT-compiled Weft code resolves every wrt_* and GC_* symbol from the
// weft executable itself (the runtime is linked in whole), and so that the
// writable data of each loaded object is a root of the Boehm collector:
// globals of JIT code are otherwise invisible to it (PITFALLS.md).
#ifndef WEFT_JIT_WEFTJIT_H
#define WEFT_JIT_WEFTJIT_H

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"

#include <memory>
#include <string>
#include <vector>

namespace weft {

class WeftJIT {
public:
  /// Builds the JIT for the host. Returns null with [error] on failure.
  static std::unique_ptr<WeftJIT> create(std::string &error);

  /// Adds an optimised module to the main JITDylib, under a resource
  /// tracker of its own (one per REPL input). Trackers are kept, never
  /// removed: suspended tasks may still resume into any module's code.
  bool addModule(llvm::orc::ThreadSafeModule tsm, std::string &error);

  /// Adds the object file at [path] (read now) to the main JITDylib.
  bool addObjectFile(const std::string &path, std::string &error);

  /// The address of [name] (an IR-level symbol name), compiling on demand.
  void *lookup(const std::string &name, std::string &error);

private:
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::vector<llvm::orc::ResourceTrackerSP> trackers; ///< one per added module
};

} // namespace weft

#endif
