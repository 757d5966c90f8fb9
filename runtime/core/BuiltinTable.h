// BuiltinTable.h: a view of the builtins table for tests (the table itself
// is filled by registerBuiltin, Object.h).
#ifndef WEFT_RT_BUILTINTABLE_H
#define WEFT_RT_BUILTINTABLE_H

#include <string>
#include <vector>

namespace weft::rt {

/// The names registered with registerBuiltin so far, in registration order.
std::vector<std::string> builtinNames();

} // namespace weft::rt

#endif
