// RuntimeABI.cpp: declares runtime functions lazily, from the signature
// strings of wrt_abi.def, so the compiler and the runtime share one list.
#include "codegen/RuntimeABI.h"

#include <cassert>

namespace weft {

namespace {
struct AbiRow {
  const char *name, *result, *params;
};
const AbiRow abiRows[] = {
#define WRT_FN(name, result, params) {#name, result, params},
#include "weft/rt/wrt_abi.def"
#undef WRT_FN
};
} // namespace

RuntimeABI::RuntimeABI(llvm::Module &m) : module(m) {
  llvm::LLVMContext &c = m.getContext();
  i64Ty = llvm::Type::getInt64Ty(c);
  ptrTy = llvm::PointerType::getUnqual(c);
  valueTy = llvm::StructType::getTypeByName(c, "weft.value");
  if (!valueTy)
    valueTy = llvm::StructType::create(c, {i64Ty, i64Ty}, "weft.value");
  for (const AbiRow &r : abiRows)
    entries[r.name] = Entry{r.result, r.params, {}};
}

llvm::FunctionCallee RuntimeABI::get(const std::string &name) {
  auto it = entries.find(name);
  assert(it != entries.end() && "runtime function missing from wrt_abi.def");
  Entry &e = it->second;
  if (e.callee)
    return e.callee;
  llvm::LLVMContext &c = module.getContext();
  std::vector<llvm::Type *> params;
  for (char p : e.params) {
    switch (p) {
    case 'V': params.push_back(i64Ty); params.push_back(i64Ty); break;
    case 'P': params.push_back(ptrTy); break;
    case 'I': params.push_back(i64Ty); break;
    case 'v': break;
    default: assert(false && "bad signature letter");
    }
  }
  llvm::Type *result = nullptr;
  switch (e.result[0]) {
  case 'V': result = valueTy; break;
  case 'P': result = ptrTy; break;
  case 'I': result = i64Ty; break;
  default: result = llvm::Type::getVoidTy(c); break;
  }
  auto *fty = llvm::FunctionType::get(result, params, false);
  e.callee = module.getOrInsertFunction(name, fty);
  if (auto *f = llvm::dyn_cast<llvm::Function>(e.callee.getCallee()))
    f->setDoesNotThrow();
  return e.callee;
}

llvm::Value *RuntimeABI::call(llvm::IRBuilder<> &b, const std::string &name,
                              llvm::ArrayRef<llvm::Value *> args, const llvm::Twine &label) {
  llvm::FunctionCallee callee = get(name);
  std::vector<llvm::Value *> flat;
  for (llvm::Value *a : args) {
    if (a->getType() == valueTy) {
      flat.push_back(b.CreateExtractValue(a, 0));
      flat.push_back(b.CreateExtractValue(a, 1));
    } else {
      flat.push_back(a);
    }
  }
  if (callee.getFunctionType()->getReturnType()->isVoidTy())
    return b.CreateCall(callee, flat);
  return b.CreateCall(callee, flat, label);
}

} // namespace weft
