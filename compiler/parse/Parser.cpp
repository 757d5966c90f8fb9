// Parser.cpp: parseModule, the front end's entry point. It checks the bytes
// (UTF-8, no NULs) before ANTLR sees them, then lexes, parses, builds the AST
// and checks its depth on a thread with a 256 MB stack: ANTLR's parser and the
// builder recurse once per nesting level of right-recursive constructs
// (`not not ...`, `- - ...`, `a if b else ...`, lambdas), which brackets and
// indentation limits cannot bound. The stack is reserved, not committed, so
// ordinary files touch only a few pages of it.
#include "parse/Parser.h"
#include "parse/ASTBuilder.h"

#include <pthread.h>

namespace weft {

namespace {

using parse::ParseEnv;

/// Reports the first invalid UTF-8 sequence or NUL byte; false if there is one.
bool checkEncoding(ParseEnv &env, const std::string &text) {
  uint32_t line = 1, col = 1;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    SourceRange r;
    r.begin = {line, col};
    r.end = {line, col + 1};
    r.file = env.file;
    if (c == 0) {
      env.diags.report(DiagID::NulByte, r);
      return false;
    }
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= text.size();
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; ok && k < n; ++k) {
      unsigned char cc = text[i + k];
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid too.
    if (ok && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
               (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF))
      ok = false;
    if (!ok) {
      env.diags.report(DiagID::InvalidUtf8, r);
      return false;
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += n;
  }
  return true;
}

struct ParseJob {
  ParseEnv *env;
  const std::string *text;
  Module *module;
};

void runParse(ParseJob &job) {
  ParseEnv &env = *job.env;
  try {
    parse::ParseSession session(env, *job.text, 1, 1, "");
    auto *tree = session.parseFile();
    if (!tree)
      return;
    parse::BuildState state;
    parse::ASTBuilder builder(env, session.tokenStream(), state);
    StmtList body;
    builder.file(tree, body);
    // Nothing too deep for the recursive passes leaves the front end.
    if (parse::checkExprDepth(env, body))
      job.module->body = std::move(body);
  } catch (std::exception &e) {
    env.diags.report(DiagID::InternalError, SourceRange{{}, {}, env.file}, {std::string("parser: ") + e.what()});
  } catch (...) {
    env.diags.report(DiagID::InternalError, SourceRange{{}, {}, env.file}, {"parser: unknown exception"});
  }
}

void *parseThread(void *arg) {
  runParse(*static_cast<ParseJob *>(arg));
  return nullptr;
}

/// Runs [job] on a thread with a big stack (smaller if the address space is
/// limited, e.g. by ulimit -v); inline only if no thread can be made at all.
void runOnBigStack(ParseJob &job) {
  for (size_t stackSize : {size_t(256) << 20, size_t(64) << 20, size_t(16) << 20}) {
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) != 0)
      break;
    bool ok = pthread_attr_setstacksize(&attr, stackSize) == 0 &&
              pthread_create(&thread, &attr, parseThread, &job) == 0;
    pthread_attr_destroy(&attr);
    if (ok) {
      pthread_join(thread, nullptr);
      return;
    }
  }
  runParse(job);
}

} // namespace

Module *parseModule(SourceManager &sm, FileID file, ASTContext &ctx, DiagnosticEngine &diags,
                    const std::string &moduleName) {
  Module *m = ctx.makeModule();
  m->name = moduleName;
  m->file = file;
  ParseEnv env{sm, file, ctx, diags};
  const std::string &raw = sm.text(file);
  if (!checkEncoding(env, raw))
    return m;
  // CRLF reads as LF (columns are unaffected); a UTF-8 BOM is dropped.
  std::string text;
  text.reserve(raw.size());
  size_t start = raw.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (size_t i = start; i < raw.size(); ++i)
    if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n'))
      text += raw[i];
  // Columns on a BOM file's first line do not count the (invisible) BOM, as
  // in CPython; the printer's caret then lands under the right character.
  ParseJob job{&env, &text, m};
  runOnBigStack(job);
  return m;
}

} // namespace weft
