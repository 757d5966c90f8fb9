// RuntimeABI.h: LLVM declarations of the runtime entry points listed in
// runtime/include/weft/rt/wrt_abi.def, and the IR shape of a WValue. A WValue
// parameter is two i64s (tag, payload) and a WValue result is {i64, i64},
// which is how the x86-64 SysV C ABI passes the 16-byte struct.
#ifndef WEFT_CODEGEN_RUNTIMEABI_H
#define WEFT_CODEGEN_RUNTIMEABI_H

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

#include <string>
#include <unordered_map>

namespace weft {

class RuntimeABI {
public:
  explicit RuntimeABI(llvm::Module &m);

  llvm::StructType *valueType() const { return valueTy; }
  llvm::Type *i64() const { return i64Ty; }
  llvm::PointerType *ptr() const { return ptrTy; }

  /// The declaration of runtime function [name]; asserts it is in the .def.
  llvm::FunctionCallee get(const std::string &name);
  /// Emits a call. Each WValue argument is given as one {i64,i64} value and
  /// split into its two registers here.
  llvm::Value *call(llvm::IRBuilder<> &b, const std::string &name, llvm::ArrayRef<llvm::Value *> args,
                    const llvm::Twine &label = "");

private:
  struct Entry {
    std::string result, params;
    llvm::FunctionCallee callee;
  };
  llvm::Module &module;
  llvm::StructType *valueTy;
  llvm::IntegerType *i64Ty;
  llvm::PointerType *ptrTy;
  std::unordered_map<std::string, Entry> entries;
};

} // namespace weft

#endif
