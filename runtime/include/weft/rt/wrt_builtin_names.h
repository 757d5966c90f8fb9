/* wrt_builtin_names.h: which names the runtime's builtins table may hold,
 * for the compiler. A direct call of a user function falls back to the
 * builtin of its name when the function's def has not run yet; the compiler
 * may only assume the call returns what the def returns when no builtin of
 * that name exists (compiler/codegen/ScalarKinds.cpp). A runtime unit test
 * checks every registered builtin against this predicate. */
#ifndef WEFT_RT_WRT_BUILTIN_NAMES_H
#define WEFT_RT_WRT_BUILTIN_NAMES_H

#include <cstring>

/* True when [name] is, or may become, the name of a builtin: the builtin
 * functions and lowercase types below, any capitalised name (exception
 * classes, Ellipsis, NotImplemented) and any name starting with '_'. */
static inline bool wrt_may_be_builtin(const char *name) {
  static const char *const lowercase[] = {
      "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray",
      "bytes", "callable", "chr", "classmethod", "compile", "complex", "delattr", "dict", "dir",
      "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format", "frozenset",
      "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input", "int", "isinstance",
      "issubclass", "iter", "len", "list", "locals", "map", "max", "memoryview", "min", "next",
      "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr",
      "reversed", "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum",
      "super", "tuple", "type", "vars", "zip", "copyright", "credits", "license",
  };
  if (name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z'))
    return true;
  for (const char *known : lowercase)
    if (std::strcmp(known, name) == 0)
      return true;
  return false;
}

#endif
