// CommandLine.cpp: `weft build|check|run FILE [options]`. The subcommand
// comes first, so the options are parsed by hand rather than with
// llvm::cl's global registry (which the REPL and tests would share).
#include "driver/Driver.h"

#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace weft {

static const char *usage =
    "usage: weft build FILE [-o OUT] [-O0|-O1|-O2|-O3] [--emit-ast|--emit-mir|--emit-llvm|--emit-llvm-optimized]\n"
    "       weft check FILE [-Werror] [-Wno-<flag>]\n"
    "       weft run [-O0|-O1|-O2|-O3] [--no-jit] FILE [ARGS...]\n"
    "       weft repl [-O0|-O1|-O2|-O3] [--plain] [--prompts]\n";

bool parseCommandLine(int argc, char **argv, DriverOptions &opts, int &exitCode) {
  exitCode = 1;
  if (argc < 2) {
    // `weft` alone on a terminal starts the REPL, as `python3` does.
    if (isatty(0)) {
      opts.command = Command::Repl;
      return true;
    }
    fputs(usage, stderr);
    return false;
  }
  std::string cmd = argv[1];
  if (cmd == "build")
    opts.command = Command::Build;
  else if (cmd == "check")
    opts.command = Command::Check;
  else if (cmd == "run")
    opts.command = Command::Run;
  else if (cmd == "repl")
    opts.command = Command::Repl;
  else if (cmd == "-h" || cmd == "--help") {
    fputs(usage, stdout);
    exitCode = 0;
    return false;
  } else {
    fprintf(stderr, "weft: error: unknown command '%s'\n%s", cmd.c_str(), usage);
    return false;
  }
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (opts.command == Command::Run && !opts.input.empty()) {
      opts.programArgs.push_back(a);
      continue;
    }
    if (a == "-o" && i + 1 < argc) {
      opts.output = argv[++i];
    } else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3') {
      opts.optLevel = a[2] - '0';
    } else if (a == "--emit-ast" || a == "-emit=ast") {
      opts.emit = Emit::AST;
    } else if (a == "--emit-mir" || a == "-emit=mir") {
      opts.emit = Emit::MIR;
    } else if (a == "--emit-llvm" || a == "-emit=llvm") {
      opts.emit = Emit::LLVM;
    } else if (a == "--emit-llvm-optimized") {
      opts.emit = Emit::LLVMOptimized;
    } else if (a == "--plain" && opts.command == Command::Repl) {
      opts.replPlain = true;
    } else if (a == "--prompts" && opts.command == Command::Repl) {
      opts.replPrompts = true;
    } else if (a == "--no-jit" && opts.command == Command::Run) {
      opts.runViaBinary = true;
    } else if (a == "-Werror") {
      opts.warningsAsErrors = true;
    } else if (a.rfind("-Wno-", 0) == 0) {
      opts.disabledWarnings.push_back(a.substr(5));
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      fprintf(stderr, "weft: error: unknown option '%s'\n%s", a.c_str(), usage);
      return false;
    } else if (opts.input.empty()) {
      opts.input = a;
    } else {
      fprintf(stderr, "weft: error: more than one input file\n");
      return false;
    }
  }
  if (opts.command == Command::Repl && !opts.input.empty()) {
    fprintf(stderr, "weft: error: `weft repl` takes no input file\n");
    return false;
  }
  if (opts.input.empty() && opts.command != Command::Repl) {
    fprintf(stderr, "weft: error: no input file\n%s", usage);
    return false;
  }
  return true;
}

} // namespace weft
