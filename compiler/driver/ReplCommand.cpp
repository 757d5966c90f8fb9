// ReplCommand.cpp: `weft repl`. Each input becomes its own module
// (__cell_N, written to a session folder so the ordinary ModuleLoader finds
// it), compiled by the same phases as `weft build`, JIT-compiled into the
// session's LLJIT and run once by importing it (wrt_repl_run). Names persist
// because every input starts with `from <last good input> import <its
// names>`, and each module exports all its globals (docs/design.md, "REPL").
// On a terminal, input is read through libedit's callback interface while
// the session's event loop runs (background tasks progress between inputs);
// otherwise line by line, for piped sessions and tests.
#include "codegen/Codegen.h"
#include "codegen/ObjectEmitter.h"
#include "diag/Diagnostics.h"
#include "driver/Driver.h"
#include "driver/ModuleLoader.h"
#include "driver/StdlibCache.h"
#include "jit/ReplSource.h"
#include "jit/WeftJIT.h"
#include "sema/AsyncLints.h"
#include "sema/NameResolver.h"
#include "sema/TypeChecker.h"

#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <editline/readline.h>
#include <cerrno>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <unistd.h>

extern "C" {
struct WValue;
void wrt_repl_init();
int64_t wrt_repl_run(const char *name);
void wrt_register_module(const char *name, void *init);
int wrt_repl_wait_readable(int fd, int (*onReadable)(void *), void *ctx);
}

namespace weft {

namespace {

std::string replStdlib(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&replStdlib));
  llvm::SmallString<256> p(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(p, "..", "stdlib");
  return llvm::sys::fs::is_directory(p) ? std::string(p) : "";
}

class ReplSession {
public:
  ReplSession(const char *argv0, int optLevel) : argv0(argv0), stdlibDir(replStdlib(argv0)), optLevel(optLevel) {}

  bool start(std::string &error) {
    llvm::SmallString<128> dir;
    if (llvm::sys::fs::createUniqueDirectory("weft-repl", dir)) {
      error = "cannot create the session folder";
      return false;
    }
    folder = std::string(dir);
    jit = WeftJIT::create(error);
    if (!jit)
      return false;
    wrt_repl_init();
    return true;
  }

  ~ReplSession() {
    for (const std::string &f : files)
      llvm::sys::fs::remove(f);
    llvm::sys::fs::remove(folder);
  }

  /// Compiles and runs one input. Returns -1 to go on, else an exit status.
  int run(const std::string &input) {
    std::string name = "__cell_" + std::to_string(++counter);
    llvm::SmallString<256> path(folder);
    llvm::sys::path::append(path, name + ".weft");
    std::vector<LineOrigin> origins;
    {
      std::ofstream out{std::string(path)};
      out << buildReplModule(input, lastModule, lastNames, &origins);
    }
    files.push_back(std::string(path));

    SourceManager sm;
    DiagnosticEngine diags(sm, std::cerr);
    FileID file;
    std::string error;
    if (!sm.load(std::string(path), file, error)) {
      std::cerr << "weft: error: " << error << "\n";
      return -1;
    }
    // Diagnostics name the input as CPython's REPL does, by what was typed.
    sm.setOrigins(file, "<stdin>", std::move(origins));
    ASTContext astCtx;
    ModuleLoader loader(sm, astCtx, diags, {folder, "."}, stdlibDir);
    if (!loader.load(file))
      return -1;
    Module *m = loader.modules().front().ast;
    m->name = name;
    ScopeArena scopes;
    for (const LoadedModule &lm : loader.modules())
      resolveNames(*lm.ast, astCtx, scopes, diags);
    if (diags.hasErrors())
      return -1;
    for (const LoadedModule &lm : loader.modules())
      if (!lm.fromStdlib) {
        checkTypes(*lm.ast, diags);
        runAsyncLints(*lm.ast, diags);
      }
    if (diags.hasErrors())
      return -1;

    // This input and any module no earlier input compiled (stdlib, the
    // program's own); earlier inputs are already in the JIT and registered.
    auto ctx = std::make_unique<llvm::LLVMContext>();
    CodegenOptions cgOpts;
    cgOpts.emitMain = false;
    cgOpts.exportModule = true;
    CodegenOptions cellOpts = cgOpts;
    cellOpts.replCell = true;
    cellOpts.replNamesFrom = lastModule;
    std::unique_ptr<llvm::Module> ir = generateModule(*m, sm, *ctx, cellOpts);
    std::vector<std::string> fresh{name};
    // The stdlib modules come precompiled (StdlibCache.h), as for `weft run`.
    std::vector<const LoadedModule *> stdlibModules;
    for (size_t i = 1; i < loader.modules().size(); ++i)
      if (loader.modules()[i].fromStdlib && !compiled.count(loader.modules()[i].name))
        stdlibModules.push_back(&loader.modules()[i]);
    if (!stdlibModules.empty()) {
      StdlibObject stdlib;
      bool ok = stdlibObject(stdlibModules, sm, optLevel, argv0, stdlib, error) &&
                jit->addObjectFile(stdlib.path, error);
      if (stdlib.temporary)
        llvm::sys::fs::remove(stdlib.path);
      if (!ok) {
        std::cerr << "weft: error: " << error << "\n";
        return -1;
      }
      for (const LoadedModule *lm : stdlibModules)
        fresh.push_back(lm->name);
    }
    {
      // The linker must be gone before the module and its context move into
      // the JIT: its destructor still walks the module's metadata.
      llvm::Linker linker(*ir);
      for (size_t i = 1; i < loader.modules().size(); ++i) {
        const LoadedModule &lm = loader.modules()[i];
        if (compiled.count(lm.name) || lm.fromStdlib)
          continue;
        if (linker.linkInModule(generateModule(*lm.ast, sm, *ctx, cgOpts))) {
          std::cerr << "weft: error: internal compiler error: cannot link module '" << lm.name << "'\n";
          return -1;
        }
        fresh.push_back(lm.name);
      }
    }
    if (!prepareForHost(*ir, error)) {
      std::cerr << "weft: error: " << error << "\n";
      return -1;
    }
    std::string verifyErrors;
    llvm::raw_string_ostream verifyOut(verifyErrors);
    if (llvm::verifyModule(*ir, &verifyOut)) {
      std::cerr << "weft: error: internal compiler error: invalid IR generated\n"
                << verifyOut.str().substr(0, 2000) << "\n";
      return -1;
    }
    optimizeModule(*ir, optLevel);
    if (!jit->addModule(llvm::orc::ThreadSafeModule(std::move(ir), std::move(ctx)), error)) {
      std::cerr << "weft: error: " << error << "\n";
      return -1;
    }
    for (const std::string &mod : fresh) {
      void *init = jit->lookup(moduleInitSymbol(mod), error);
      if (!init) {
        std::cerr << "weft: error: " << error << "\n";
        return -1;
      }
      wrt_register_module(strdup(mod.c_str()), init);
      compiled.insert(mod);
    }
    std::cout.flush();
    int64_t status = wrt_repl_run(name.c_str());
    if (status >= 0)
      return int(status);
    // An input that ran, even one that raised, hands its names to later
    // ones: what it bound before raising is in the session's boxes (as in
    // Python's REPL), and the import is read only by the checker.
    if ((status == -1 || status == -2) && m->scope) {
      lastModule = name;
      lastNames.clear();
      for (const std::string &g : m->scope->globalSlots)
        if (g.rfind("__", 0) != 0)
          lastNames.push_back(g);
    }
    return -1;
  }

private:
  const char *argv0;
  std::string stdlibDir;
  int optLevel;
  std::string folder;
  std::vector<std::string> files;
  std::unique_ptr<WeftJIT> jit;
  std::set<std::string> compiled;
  int counter = 0;
  std::string lastModule;

public:
  std::vector<std::string> lastNames; ///< the names in scope, for completion
};

/// Tab completion (libedit): the session's names, then keywords and the
/// builtins a session uses most. libedit frees what the generator returns.
const std::vector<std::string> *completionNames;

char *completeName(const char *text, int state) {
  static const char *fixed[] = {"False", "None", "True", "and", "as", "assert", "async", "await", "break",
                                "class", "continue", "def", "del", "elif", "else", "except", "finally", "for",
                                "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
                                "pass", "raise", "return", "try", "while", "with", "yield", "print", "len",
                                "range", "repr", "str", "int", "float", "list", "dict", "set", "tuple", "sorted",
                                "enumerate", "isinstance", "asyncio"};
  static size_t index;
  if (state == 0)
    index = 0;
  std::string prefix(text);
  size_t dynamic = completionNames ? completionNames->size() : 0;
  while (index < dynamic + sizeof fixed / sizeof *fixed) {
    size_t i = index++;
    std::string cand = i < dynamic ? (*completionNames)[i] : fixed[i - dynamic];
    if (cand.compare(0, prefix.size(), prefix) == 0)
      return strdup(cand.c_str());
  }
  return nullptr;
}

/// One line from libedit's callback interface: the handler stores it here.
struct PendingLine {
  bool ready = false;
  bool eof = false;
  std::string text;
} pendingLine;

void onLine(char *raw) {
  pendingLine.ready = true;
  pendingLine.eof = raw == nullptr;
  pendingLine.text = raw ? raw : "";
  free(raw);
  // Remove the handler now, so no prompt is shown while the input runs.
  rl_callback_handler_remove();
}

/// Bytes typed on the current line, counted roughly (printable bytes in,
/// erase bytes out): enough to tell an empty line from a non-empty one.
int typedOnLine = 0;

/// libedit's character source while a line is being read. libedit's
/// rl_callback_read_char drops an end-of-file (Ctrl-D on an empty line)
/// without calling the line handler, and rl_end is not kept up to date in
/// callback mode, so the session would never end: this notices Ctrl-D on an
/// empty line on the way in. EINTR (the collector's signals) is retried.
int readEditorChar(FILE *stream) {
  unsigned char c;
  for (;;) {
    ssize_t n = read(fileno(stream), &c, 1);
    if (n == 1)
      break;
    if (n < 0 && errno == EINTR)
      continue;
    pendingLine.ready = pendingLine.eof = true;
    return EOF;
  }
  if (c == 4 && typedOnLine == 0)
    pendingLine.ready = pendingLine.eof = true;
  else if (c == '\r' || c == '\n' || c == 3 || c == 21)
    typedOnLine = 0; // end of line, Ctrl-C, Ctrl-U
  else if (c == 8 || c == 127)
    typedOnLine = typedOnLine > 0 ? typedOnLine - 1 : 0;
  else if (c >= 32 || c == '\t')
    ++typedOnLine;
  return c;
}

int feedEditor(void *) {
  rl_callback_read_char();
  return pendingLine.ready;
}

/// Reads a terminal line while the session's event loop runs (background
/// tasks go on, their output appears); a blocking readline if the loop
/// cannot watch stdin.
bool readTerminalLine(const char *prompt, std::string &line) {
  pendingLine = PendingLine();
  typedOnLine = 0;
  rl_callback_handler_install(prompt, onLine);
  while (!pendingLine.ready) {
    if (wrt_repl_wait_readable(0, feedEditor, nullptr) != 0) {
      rl_callback_handler_remove();
      char *raw = readline(prompt);
      pendingLine.ready = true;
      pendingLine.eof = !raw;
      pendingLine.text = raw ? raw : "";
      free(raw);
    }
  }
  if (pendingLine.eof)
    rl_callback_handler_remove(); // Ctrl-D: the handler was not called
  line = pendingLine.text;
  return !pendingLine.eof;
}

/// Reads one complete input; false at end of input. On a terminal, libedit
/// shows `>>> ` then `... ` prompts and keeps the history; otherwise lines
/// come from stdin as they are, with the prompts printed when [prompts] is
/// set (`--prompts`, so a piped transcript reads like a session).
bool readInput(bool tty, bool prompts, std::string &input) {
  input.clear();
  for (;;) {
    std::string line;
    if (tty) {
      if (!readTerminalLine(input.empty() ? ">>> " : "... ", line)) {
        if (input.empty())
          return false;
        break;
      }
      if (!line.empty())
        add_history(line.c_str());
    } else {
      if (prompts) {
        std::cout << (input.empty() ? ">>> " : "... ");
        std::cout.flush();
      }
      if (!std::getline(std::cin, line)) {
        if (prompts)
          std::cout << "\n";
        return !input.empty();
      }
    }
    if (input.empty() && line.find_first_not_of(" \t\r") == std::string::npos)
      continue; // blank lines between inputs
    input += line + "\n";
    if (!replNeedsMore(input))
      return true;
  }
  return true;
}

std::string historyPath() {
  const char *home = getenv("HOME");
  return home ? std::string(home) + "/.weft_history" : "";
}

} // namespace

int runRepl(const DriverOptions &opts, const char *argv0) {
  ReplSession session(argv0, opts.optLevel);
  std::string error;
  if (!session.start(error)) {
    std::cerr << "weft: error: cannot start the REPL: " << error << "\n";
    return 1;
  }
  bool tty = isatty(0) && !opts.replPlain;
  std::string history = historyPath();
  if (tty) {
    std::cout << "Weft REPL (top-level await on one event loop; Ctrl-D to leave)\n";
    // Before anything initialises libedit (read_history does): it reads
    // rl_getc_function only then.
    rl_getc_function = readEditorChar;
    if (!history.empty())
      read_history(history.c_str());
    completionNames = &session.lastNames;
    rl_completion_entry_function = completeName;
  }
  int status = 0;
  std::string input;
  while (readInput(tty, opts.replPrompts && !tty, input)) {
    int rc = session.run(input);
    std::cout.flush();
    if (rc >= 0) {
      status = rc;
      break;
    }
  }
  if (tty) {
    std::cout << "\n";
    if (!history.empty())
      write_history(history.c_str());
  }
  return status;
}

} // namespace weft
