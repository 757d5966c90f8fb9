// RunCommand.cpp: `weft run FILE [ARGS...]` through the JIT. The module is
// the one `weft build` would emit (same phases, same -O level, with its
// `main` calling wrt_main), so output and exit status match the built
// binary; only the object file and the system linker are skipped. The
// process leaves through exit() with main's status, as a built binary does,
// and the JIT is never torn down: runtime threads may still run its code.
#include "driver/Driver.h"
#include "jit/WeftJIT.h"

#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace weft {

int runInJit(std::unique_ptr<llvm::Module> ir, std::unique_ptr<llvm::LLVMContext> ctx,
             const std::vector<std::string> &objects, const std::function<void()> &loaded,
             const DriverOptions &opts) {
  std::string error;
  std::unique_ptr<WeftJIT> jit = WeftJIT::create(error);
  bool ok = jit && jit->addModule(llvm::orc::ThreadSafeModule(std::move(ir), std::move(ctx)), error);
  for (size_t i = 0; ok && i < objects.size(); ++i)
    ok = jit->addObjectFile(objects[i], error);
  loaded();
  if (!ok) {
    std::cerr << "weft: error: cannot start the JIT: " << error << "\n";
    return 1;
  }
  auto *mainFn = reinterpret_cast<int (*)(int, char **)>(jit->lookup("main", error));
  if (!mainFn) {
    std::cerr << "weft: error: cannot compile '" << opts.input << "' in the JIT: " << error << "\n";
    return 1;
  }
  // sys.argv is the script followed by its arguments, as under CPython.
  std::vector<char *> args;
  args.push_back(const_cast<char *>(opts.input.c_str()));
  for (const std::string &a : opts.programArgs)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  std::cout.flush();
  int status = mainFn(int(args.size() - 1), args.data());
  jit.release(); // deliberately leaked: see the file header
  std::exit(status);
}

} // namespace weft
