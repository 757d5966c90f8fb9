// Driver.h: the `weft` command. Runs the phases in order (parse, resolve
// names, check types and lints, generate IR, verify, optimise, emit, link),
// stopping after the first phase that reports an error.
#ifndef WEFT_DRIVER_DRIVER_H
#define WEFT_DRIVER_DRIVER_H

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace weft {

enum class Command { Build, Check, Run, Repl };
enum class Emit { Binary, AST, MIR, LLVM, LLVMOptimized };

struct DriverOptions {
  Command command = Command::Build;
  Emit emit = Emit::Binary;
  std::string input;
  std::string output;
  int optLevel = 2;
  bool warningsAsErrors = false;
  std::vector<std::string> disabledWarnings;
  std::vector<std::string> programArgs; ///< for `weft run`
  bool replPlain = false;   ///< `weft repl --plain`: no libedit, no prompts, even on a terminal
  bool replPrompts = false; ///< `weft repl --prompts`: without libedit, still print `>>> `/`... `
  bool runViaBinary = false; ///< `weft run --no-jit`: build a temporary executable and exec it
};

/// Parses argv. Returns false (after printing usage or an error) when the
/// command line is invalid; [exitCode] is then the status to exit with.
bool parseCommandLine(int argc, char **argv, DriverOptions &opts, int &exitCode);

/// Runs the command; returns the process exit status.
int runDriver(const DriverOptions &opts, const char *argv0);

/// `weft repl`: the interactive session (ReplCommand.cpp); returns the exit status.
int runRepl(const DriverOptions &opts, const char *argv0);

/// `weft run`: runs the optimised program module, with the object files
/// [objects] (the compiled stdlib), in-process through the JIT
/// (RunCommand.cpp). [loaded] runs once the objects are read, before the
/// program starts. Does not return when the program ran; returns 1 when the
/// JIT could not start.
int runInJit(std::unique_ptr<llvm::Module> ir, std::unique_ptr<llvm::LLVMContext> ctx,
             const std::vector<std::string> &objects, const std::function<void()> &loaded,
             const DriverOptions &opts);

} // namespace weft

#endif
