// Driver.cpp: phase order for `weft build|check|run`. Each phase reports
// through the one DiagnosticEngine; the driver stops before the next phase
// when there were errors (exit status 1) and never lets a phase exit the
// process. Linking is done by the system C++ compiler driver, with the
// runtime archive found next to this executable (../lib).
#include "driver/Driver.h"

#include "ast/ASTDumper.h"
#include "codegen/Codegen.h"
#include "codegen/ObjectEmitter.h"
#include "diag/Diagnostics.h"
#include "driver/ModuleLoader.h"
#include "driver/StdlibCache.h"
#include "parse/Parser.h"
#include "sema/NameResolver.h"
#include "sema/AsyncLints.h"
#include "sema/TypeChecker.h"

#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <csignal>
#include <iostream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace weft {

namespace {

/// Directory of the running weft executable.
std::string toolDir(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&toolDir));
  return std::string(llvm::sys::path::parent_path(exe));
}

std::string findRuntimeLibrary(const char *argv0) {
  llvm::SmallString<256> p(toolDir(argv0));
  llvm::sys::path::append(p, "..", "lib", "libweft_runtime.a");
  return std::string(p);
}

/// The stdlib folder: next to the build's bin/ (build/stdlib), or the
/// source tree's when running from elsewhere.
std::string findStdlib(const char *argv0) {
  llvm::SmallString<256> p(toolDir(argv0));
  llvm::sys::path::append(p, "..", "stdlib");
  if (llvm::sys::fs::is_directory(p))
    return std::string(p);
  return "";
}

int link(const std::vector<std::string> &objects, const std::string &output, const char *argv0, std::string &error) {
  auto cxx = llvm::sys::findProgramByName("c++");
  if (!cxx) {
    error = "cannot find the system linker driver 'c++'";
    return 1;
  }
  std::string runtime = findRuntimeLibrary(argv0);
  if (!llvm::sys::fs::exists(runtime)) {
    error = "cannot find the Weft runtime at '" + runtime + "'";
    return 1;
  }
  std::vector<llvm::StringRef> args = {*cxx};
  for (const std::string &o : objects)
    args.push_back(o);
  for (llvm::StringRef a : {llvm::StringRef("-o"), llvm::StringRef(output), llvm::StringRef(runtime),
                            llvm::StringRef("-lgc"), llvm::StringRef("-lpthread"), llvm::StringRef("-lm")})
    args.push_back(a);
  std::string msg;
  int rc = llvm::sys::ExecuteAndWait(*cxx, args, std::nullopt, {}, 0, 0, &msg);
  if (rc != 0)
    error = "link failed" + (msg.empty() ? std::string() : ": " + msg);
  return rc;
}

/// Writes [text] to [path] or stdout when [path] is empty.
bool writeText(const std::string &path, const std::string &text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return true;
  }
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (ec)
    return false;
  out << text;
  return true;
}

} // namespace

int runDriver(const DriverOptions &opts, const char *argv0) {
  if (opts.command == Command::Repl)
    return runRepl(opts, argv0);
  SourceManager sm;
  DiagnosticEngine diags(sm, std::cerr);
  diags.setWarningsAsErrors(opts.warningsAsErrors);
  for (const std::string &f : opts.disabledWarnings)
    diags.disableFlag(f);

  FileID file;
  std::string error;
  if (!sm.load(opts.input, file, error)) {
    std::cerr << "weft: error: " << error << "\n";
    return 1;
  }

  ASTContext astCtx;
  std::vector<std::string> searchDirs{std::string(llvm::sys::path::parent_path(opts.input))};
  if (searchDirs[0].empty())
    searchDirs[0] = ".";
  ModuleLoader loader(sm, astCtx, diags, searchDirs, findStdlib(argv0));
  if (!loader.load(file))
    return 1;
  Module *m = loader.modules().front().ast;
  if (opts.emit == Emit::AST) {
    std::ostringstream ss;
    dumpAST(*m, ss);
    return writeText(opts.output, ss.str()) ? 0 : 1;
  }

  // Names, then types: every module is resolved before any is generated.
  ScopeArena scopes;
  for (const LoadedModule &lm : loader.modules())
    resolveNames(*lm.ast, astCtx, scopes, diags);
  if (diags.hasErrors())
    return 1;
  for (const LoadedModule &lm : loader.modules())
    if (!lm.fromStdlib) {
      checkTypes(*lm.ast, diags);
      runAsyncLints(*lm.ast, diags);
    }
  if (diags.hasErrors())
    return 1;
  if (opts.command == Command::Check)
    return 0;

  // Heap-owned so `weft run` can hand the context to the JIT with the module.
  auto llctxOwner = std::make_unique<llvm::LLVMContext>();
  llvm::LLVMContext &llctx = *llctxOwner;
  CodegenOptions cgOpts;
  for (size_t i = 1; i < loader.modules().size(); ++i)
    cgOpts.registerModules.push_back(loader.modules()[i].name);
  std::unique_ptr<llvm::Module> ir = generateModule(*m, sm, llctx, cgOpts);
  if (opts.emit == Emit::LLVM) {
    // The main module as codegen produced it, before linking and
    // optimisation (linking would rename its identified types).
    std::string verifyErrors;
    llvm::raw_string_ostream verifyOut(verifyErrors);
    if (llvm::verifyModule(*ir, &verifyOut)) {
      std::cerr << sm.path(file) << ": error: internal compiler error: invalid IR generated [internal]\n"
                << verifyOut.str().substr(0, 2000) << "\n";
      return 1;
    }
    std::string text;
    llvm::raw_string_ostream os(text);
    ir->print(os, nullptr);
    return writeText(opts.output, os.str()) ? 0 : 1;
  }
  // The stdlib comes precompiled (StdlibCache.h) when the program is to be
  // run or linked; the --emit-* outputs show it compiled with the program.
  std::vector<const LoadedModule *> stdlibModules;
  StdlibObject stdlib;
  if (opts.emit == Emit::Binary) {
    for (size_t i = 1; i < loader.modules().size(); ++i)
      if (loader.modules()[i].fromStdlib)
        stdlibModules.push_back(&loader.modules()[i]);
    if (!stdlibModules.empty() && !stdlibObject(stdlibModules, sm, opts.optLevel, argv0, stdlib, error)) {
      std::cerr << "weft: error: " << error << "\n";
      return 1;
    }
  }
  std::vector<std::string> extraObjects;
  if (!stdlib.path.empty())
    extraObjects.push_back(stdlib.path);
  auto removeTemporaries = [&] {
    if (stdlib.temporary)
      llvm::sys::fs::remove(stdlib.path);
  };
  {
    // Scoped: the linker's destructor walks the module, which may have moved
    // into the JIT by the time this function ends.
    llvm::Linker linker(*ir);
    for (size_t i = 1; i < loader.modules().size(); ++i) {
      if (std::find(stdlibModules.begin(), stdlibModules.end(), &loader.modules()[i]) != stdlibModules.end())
        continue;
      CodegenOptions depOpts;
      depOpts.emitMain = false;
      depOpts.exportModule = true;
      std::unique_ptr<llvm::Module> dep = generateModule(*loader.modules()[i].ast, sm, llctx, depOpts);
      if (linker.linkInModule(std::move(dep))) {
        std::cerr << "weft: error: internal compiler error: cannot link module '" << loader.modules()[i].name
                  << "' [internal]\n";
        return 1;
      }
    }
  }
  if (!prepareForHost(*ir, error)) {
    std::cerr << "weft: error: " << error << "\n";
    return 1;
  }
  std::string verifyErrors;
  llvm::raw_string_ostream verifyOut(verifyErrors);
  if (llvm::verifyModule(*ir, &verifyOut)) {
    // Codegen translates what sema accepted; invalid IR is a compiler bug.
    std::cerr << sm.path(file) << ": error: internal compiler error: invalid IR generated [internal]\n"
              << verifyOut.str().substr(0, 2000) << "\n";
    return 1;
  }
  if (opts.emit == Emit::MIR) {
    std::cerr << "weft: error: --emit-mir is not available yet (the MIR arrives with the async lowering)\n";
    return 1;
  }
  optimizeModule(*ir, opts.optLevel);
  if (opts.emit == Emit::LLVMOptimized) {
    std::string text;
    llvm::raw_string_ostream os(text);
    ir->print(os, nullptr);
    return writeText(opts.output, os.str()) ? 0 : 1;
  }
  if (opts.command == Command::Run && !opts.runViaBinary)
    return runInJit(std::move(ir), std::move(llctxOwner), extraObjects, removeTemporaries, opts);

  // Object file and link.
  llvm::SmallString<128> objPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("weft", "o", fd, objPath)) {
    std::cerr << "weft: error: cannot create a temporary file\n";
    return 1;
  }
  ::close(fd);
  std::string output = opts.output;
  llvm::SmallString<128> exePath;
  if (opts.command == Command::Run || output.empty()) {
    if (opts.command == Command::Run) {
      llvm::sys::fs::createTemporaryFile("weft-run", "", fd, exePath);
      ::close(fd);
      output = std::string(exePath);
    } else {
      output = std::string(llvm::sys::path::stem(opts.input));
    }
  }
  extraObjects.insert(extraObjects.begin(), std::string(objPath));
  if (!emitObjectFile(*ir, std::string(objPath), opts.optLevel, error) ||
      link(extraObjects, output, argv0, error) != 0) {
    llvm::sys::fs::remove(objPath);
    removeTemporaries();
    std::cerr << "weft: error: " << error << "\n";
    return 1;
  }
  llvm::sys::fs::remove(objPath);
  removeTemporaries();
  if (opts.command != Command::Run)
    return 0;

  // `weft run` until the JIT lands: run the freshly built binary and pass
  // its status through (a death by signal is re-raised on ourselves).
  std::cout.flush();
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char *> args;
    args.push_back(const_cast<char *>(opts.input.c_str()));
    for (const std::string &a : opts.programArgs)
      args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    execv(output.c_str(), args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  llvm::sys::fs::remove(output);
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}

} // namespace weft
