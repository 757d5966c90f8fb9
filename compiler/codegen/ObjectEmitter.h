// ObjectEmitter.h: the back end. Optimises a verified module with LLVM's new
// pass manager and writes a native object file through the host
// TargetMachine.
#ifndef WEFT_CODEGEN_OBJECTEMITTER_H
#define WEFT_CODEGEN_OBJECTEMITTER_H

#include "llvm/IR/Module.h"

#include <string>

namespace weft {

/// Sets the host triple and data layout on [m]. Returns false with [error].
bool prepareForHost(llvm::Module &m, std::string &error);
/// Runs the standard -O[level] pipeline (0..3).
void optimizeModule(llvm::Module &m, int level);
/// Writes [m] as an object file to [path].
bool emitObjectFile(llvm::Module &m, const std::string &path, int level, std::string &error);

} // namespace weft

#endif
