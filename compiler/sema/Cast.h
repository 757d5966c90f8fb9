// Cast.h: LLVM-style isa/cast/dyn_cast for AST nodes, for the sema passes,
// which must not depend on LLVM. The AST's classof functions do the checking.
#ifndef WEFT_SEMA_CAST_H
#define WEFT_SEMA_CAST_H

#include <cassert>

namespace weft {

template <typename To, typename From> bool isa(const From *node) {
  return node && To::classof(node);
}

template <typename To, typename From> To *cast(From *node) {
  assert(isa<To>(node) && "cast to the wrong AST node kind");
  return static_cast<To *>(node);
}

template <typename To, typename From> To *dyn_cast(From *node) {
  return isa<To>(node) ? static_cast<To *>(node) : nullptr;
}

} // namespace weft

#endif
