// ProcessPool.cpp: ProcessPoolExecutor. As CPython 3.11 does on Linux with
// the fork start method, every worker is forked at the first submit, so the
// workers share the binary and the heap as it was then: a top-level function
// object (and a user class, an exception type) has the same address in the
// child, and a request names the function by that address. Arguments,
// results and exceptions cross the pipes in a small binary format (see
// serialise). A manager thread in the parent feeds idle workers, polls
// their result pipes and completes the futures; a worker whose pipe reaches
// EOF died, and the pool becomes broken (BrokenProcessPool), never hangs.
// Fork safety: stdout is flushed first, the collector's lock is taken around
// the fork (GC_atfork_*), and children leave with _exit.
#include "exec/Executor.h"

#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <vector>

namespace weft::rt {

// ---------------------------------------------------------------- serialiser

namespace {

void putU64(std::string &out, uint64_t v) { out.append(reinterpret_cast<const char *>(&v), 8); }

bool getU64(const std::string &in, size_t &pos, uint64_t &v) {
  if (pos + 8 > in.size()) return false;
  std::memcpy(&v, in.data() + pos, 8);
  pos += 8;
  return true;
}

void putBlob(std::string &out, char tag, const char *p, size_t n) {
  out.push_back(tag);
  putU64(out, n);
  out.append(p, n);
}

WValue malformed() { return raise(T.ValueError, "malformed process pool message"); }

} // namespace

bool serialise(std::string &out, WValue v) {
  switch (v.tag) {
  case WT_NONE: out.push_back('N'); return true;
  case WT_BOOL: out.push_back(v.i ? 'T' : 'F'); return true;
  case WT_INT: out.push_back('i'); putU64(out, uint64_t(v.i)); return true;
  case WT_FLOAT: out.push_back('f'); putU64(out, v.bits); return true;
  case WT_OBJ: break;
  default: raise(T.TypeError, "cannot serialise this value"); return false;
  }
  WTypeObj *t = v.o->type;
  switch (t->kind) {
  case Kind::Str: {
    WStr *s = asStr(v);
    putBlob(out, 's', s->data, size_t(s->nbytes));
    return true;
  }
  case Kind::Bytes: {
    auto *b = reinterpret_cast<WBytes *>(v.o);
    putBlob(out, 'b', b->data, size_t(b->size));
    return true;
  }
  case Kind::List:
  case Kind::Tuple: {
    bool list = t->kind == Kind::List;
    int64_t n = list ? asList(v)->size : asTuple(v)->size;
    WValue *items = list ? asList(v)->items : asTuple(v)->items;
    out.push_back(list ? 'l' : 't');
    putU64(out, uint64_t(n));
    for (int64_t i = 0; i < n; i++)
      if (!serialise(out, items[i])) return false;
    return true;
  }
  case Kind::Dict:
  case Kind::Set: {
    bool dict = t->kind == Kind::Dict;
    WDict *d = asDict(v);
    out.push_back(dict ? 'd' : 'S');
    putU64(out, uint64_t(d->size));
    WDictEntry *e;
    for (int64_t pos = 0; dictNext(d, pos, e);) {
      if (!serialise(out, e->key)) return false;
      if (dict && !serialise(out, e->value)) return false;
    }
    return true;
  }
  case Kind::Instance:
    if (t->flags & TYPE_USER) {
      // A user class instance: its class (same address in every process of
      // the pool) and its attribute dict.
      out.push_back('O');
      putU64(out, reinterpret_cast<uint64_t>(t));
      return serialise(out, wrt_obj(reinterpret_cast<WInstance *>(v.o)->attrs));
    }
    break;
  default: break;
  }
  raiseFormat(T.TypeError, "cannot pickle '%s' object", t->name);
  return false;
}

WValue deserialise(const std::string &in, size_t &pos) {
  if (pos >= in.size()) return malformed();
  char tag = in[pos++];
  uint64_t u;
  switch (tag) {
  case 'N': return wrt_none();
  case 'T': return wrt_bool(1);
  case 'F': return wrt_bool(0);
  case 'i':
    if (!getU64(in, pos, u)) return malformed();
    return wrt_int(int64_t(u));
  case 'f': {
    if (!getU64(in, pos, u)) return malformed();
    WValue v = wrt_float(0);
    v.bits = u;
    return v;
  }
  case 's':
  case 'b': {
    if (!getU64(in, pos, u) || pos + u > in.size()) return malformed();
    std::string_view sv(in.data() + pos, size_t(u));
    pos += size_t(u);
    return tag == 's' ? newStr(sv) : newBytes(sv);
  }
  case 'l':
  case 't': {
    if (!getU64(in, pos, u) || u > in.size()) return malformed();
    WValue r = tag == 'l' ? newList(int64_t(u)) : newTuple(int64_t(u));
    WValue *items = tag == 'l' ? asList(r)->items : asTuple(r)->items;
    for (uint64_t i = 0; i < u; i++) {
      WValue x = deserialise(in, pos);
      if (x.tag == WT_ERR) return x;
      items[i] = x;
    }
    return r;
  }
  case 'd':
  case 'S': {
    if (!getU64(in, pos, u) || u > in.size()) return malformed();
    WValue r = tag == 'd' ? newDict() : newSet();
    for (uint64_t i = 0; i < u; i++) {
      WValue k = deserialise(in, pos);
      if (k.tag == WT_ERR) return k;
      if (tag == 'S') {
        if (setAdd(asDict(r), k).tag == WT_ERR) return wrt_errv();
        continue;
      }
      WValue x = deserialise(in, pos);
      if (x.tag == WT_ERR) return x;
      if (dictSet(asDict(r), k, x).tag == WT_ERR) return wrt_errv();
    }
    return r;
  }
  case 'O': {
    if (!getU64(in, pos, u)) return malformed();
    WValue attrs = deserialise(in, pos);
    if (attrs.tag == WT_ERR) return attrs;
    if (!isKind(attrs, Kind::Dict)) return malformed();
    auto *t = reinterpret_cast<WTypeObj *>(u);
    size_t size = t->instanceSize > int64_t(sizeof(WInstance)) ? size_t(t->instanceSize) : sizeof(WInstance);
    auto *o = newObj<WInstance>(t, size);
    o->attrs = asDict(attrs);
    return wrt_obj(o);
  }
  default: return malformed();
  }
}

// ---------------------------------------------------------------- pipes

namespace {

bool writeAll(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= size_t(w);
  }
  return true;
}

/// 1: read, 0: EOF before anything, -1: error or EOF mid-message.
int readAll(int fd, char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) return got == 0 ? 0 : -1;
    got += size_t(r);
  }
  return 1;
}

bool sendMsg(int fd, const std::string &payload) {
  uint64_t n = payload.size();
  return writeAll(fd, reinterpret_cast<const char *>(&n), 8) && writeAll(fd, payload.data(), payload.size());
}

int recvMsg(int fd, std::string &payload) {
  uint64_t n;
  int r = readAll(fd, reinterpret_cast<char *>(&n), 8);
  if (r <= 0) return r;
  payload.resize(size_t(n));
  return n ? (readAll(fd, payload.data(), size_t(n)) == 1 ? 1 : -1) : 1;
}

/// The exception [exc] as a reply: 'X', its class, its args.
std::string exceptionReply(WValue exc) {
  std::string out = "X";
  WTypeObj *t = typeOf(exc);
  std::string args;
  if (isInstance(exc, T.BaseException) && serialise(args, wrt_obj(asExc(exc)->args))) {
    putU64(out, reinterpret_cast<uint64_t>(t));
    return out + args;
  }
  errClear();
  // Arguments that cannot cross: the message as the one argument.
  WValue s = excStr(exc);
  std::string msg = s.tag == WT_OBJ ? std::string(strView(s)) : std::string("<unprintable>");
  errClear();
  putU64(out, reinterpret_cast<uint64_t>(isInstance(exc, T.BaseException) ? t : T.RuntimeError));
  out.push_back('t');
  putU64(out, 1);
  putBlob(out, 's', msg.data(), msg.size());
  return out;
}

/// A worker process: it runs the pool's initializer, then serves requests:
/// (function address, args, kwargs). A failed initializer is logged and the
/// worker exits, which breaks the pool, as in CPython's _process_worker.
[[noreturn]] void childMain(int rfd, int wfd, WValue initializer, WObj *initargs) {
  if (initializer.tag != WT_UNBOUND) {
    WTuple *a = initargs ? reinterpret_cast<WTuple *>(initargs) : nullptr;
    if (call(initializer, a ? a->size : 0, a ? a->items : nullptr).tag == WT_ERR) {
      logError("Exception in initializer:", "", fetchError());
      flushStdout();
      _exit(1);
    }
  }
  std::string req;
  for (;;) {
    int r = recvMsg(rfd, req);
    if (r <= 0) {
      flushStdout();
      _exit(0);
    }
    size_t pos = 0;
    uint64_t fnbits;
    std::string reply;
    WValue args = wrt_errv(), kwargs = wrt_errv();
    if (getU64(req, pos, fnbits)) {
      args = deserialise(req, pos);
      if (args.tag != WT_ERR) kwargs = deserialise(req, pos);
    }
    WValue result;
    if (args.tag == WT_ERR || kwargs.tag == WT_ERR || !isKind(args, Kind::Tuple)) {
      result = wrt_errv();
      if (!errOccurred()) malformed();
    } else {
      WValue fn = wrt_obj(reinterpret_cast<WObj *>(fnbits));
      result = wrt_call_ex(fn, args, isKind(kwargs, Kind::Dict) ? kwargs : wrt_none());
    }
    if (result.tag == WT_ERR) {
      reply = exceptionReply(errFetch());
      setHandled(wrt_unbound());
    } else {
      reply = "R";
      if (!serialise(reply, result)) reply = exceptionReply(errFetch());
    }
    flushStdout();
    if (!sendMsg(wfd, reply)) {
      flushStdout();
      _exit(1);
    }
  }
}

struct PItem {
  WObj hdr;
  PItem *next;
  WValue request;  ///< bytes: the serialised call
  CFuture *fut;
};

struct Worker {
  pid_t pid;
  int wfd, rfd;    ///< request pipe (write end), reply pipe (read end)
  PItem *busy;     ///< the item it runs, or null
};

} // namespace

struct ProcPool {
  pthread_mutex_t mu;
  PItem *head, *tail;
  Worker *workers;   ///< uncollectable (scanned: busy items), maxWorkers entries
  int maxWorkers;
  int nworkers;
  int wake[2];       ///< submit/shutdown wake the manager through this pipe
  WValue initializer; ///< run by each worker once, after the fork; UNBOUND if none
  WObj *initargs;     ///< a tuple, or null
  bool started, shutdown, broken, joined;
  pthread_t manager;
};

namespace {

/// What the futures of a broken pool raise, and what a later submit raises.
const char *kBrokenMsg =
    "A process in the process pool was terminated abruptly while the future was running or pending.";
const char *kBrokenPoolMsg = "A child process terminated abruptly, the process pool is not usable anymore";

void poke(ProcPool *p) {
  char c = 1;
  while (::write(p->wake[1], &c, 1) < 0 && errno == EINTR) {
  }
}

void failAll(ProcPool *p, std::vector<CFuture *> &out) {
  for (PItem *w = p->head; w; w = w->next) out.push_back(w->fut);
  p->head = p->tail = nullptr;
  for (int i = 0; i < p->nworkers; i++)
    if (p->workers[i].busy) {
      out.push_back(p->workers[i].busy->fut);
      p->workers[i].busy = nullptr;
    }
}

void completeFromReply(CFuture *f, const std::string &reply) {
  size_t pos = 1;
  if (!reply.empty() && reply[0] == 'R') {
    WValue v = deserialise(reply, pos);
    if (v.tag != WT_ERR) {
      cfSetResult(f, v);
      return;
    }
  } else if (!reply.empty() && reply[0] == 'X') {
    uint64_t tbits;
    if (getU64(reply, pos, tbits)) {
      WValue args = deserialise(reply, pos);
      if (args.tag != WT_ERR && isKind(args, Kind::Tuple)) {
        auto *t = reinterpret_cast<WTypeObj *>(tbits);
        WValue exc = newException(t, args.o);
        if (exc.tag != WT_ERR) {
          cfSetException(f, exc);
          return;
        }
      }
    }
  } else {
    malformed();
  }
  cfSetException(f, errFetch());
}

void *managerMain(void *arg) {
  auto *p = static_cast<ProcPool *>(arg);
  // A request written to a worker that already died (its initializer
  // failed, or it was killed) must fail with EPIPE, not kill the program:
  // SIGPIPE is raised in the writing thread, and here it stays blocked.
  sigset_t pipeSignal;
  sigemptyset(&pipeSignal);
  sigaddset(&pipeSignal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipeSignal, nullptr);
  std::vector<pollfd> fds;
  std::vector<int> who;
  std::string reply;
  for (;;) {
    {
      MutexLock g(&p->mu);
      for (int i = 0; i < p->nworkers && p->head && !p->broken; i++) {
        Worker &w = p->workers[i];
        if (w.busy) continue;
        PItem *it = p->head;
        p->head = it->next;
        if (!p->head) p->tail = nullptr;
        if (!cfSetRunning(it->fut)) {  // cancelled while queued: try the next item
          --i;
          continue;
        }
        auto *b = reinterpret_cast<WBytes *>(it->request.o);
        w.busy = it;
        if (!sendMsg(w.wfd, std::string(b->data, size_t(b->size)))) {
          // Handled as a death below, when its reply pipe reports EOF.
        }
      }
      bool anyBusy = false;
      for (int i = 0; i < p->nworkers; i++) anyBusy |= p->workers[i].busy != nullptr;
      if ((p->shutdown && !p->head && !anyBusy) || p->broken) break;
      fds.assign(1, pollfd{p->wake[0], POLLIN, 0});
      who.assign(1, -1);
      for (int i = 0; i < p->nworkers; i++)
        if (p->workers[i].busy) {
          fds.push_back(pollfd{p->workers[i].rfd, POLLIN, 0});
          who.push_back(i);
        }
    }
    int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0) continue;  // EINTR (the collector's signals)
    if (fds[0].revents) {
      char buf[64];
      while (::read(p->wake[0], buf, sizeof buf) > 0) {
      }
    }
    for (size_t k = 1; k < fds.size(); k++) {
      if (!fds[k].revents) continue;
      Worker &w = p->workers[who[k]];
      int r = recvMsg(w.rfd, reply);
      std::vector<CFuture *> failed;
      CFuture *done = nullptr;
      {
        MutexLock g(&p->mu);
        if (r == 1) {
          done = w.busy->fut;
          w.busy = nullptr;
        } else {
          p->broken = true;
          failAll(p, failed);
        }
      }
      if (done) completeFromReply(done, reply);
      for (CFuture *f : failed) {
        WValue exc = newExceptionMsg(ET.brokenProcessPool, kBrokenMsg);
        cfSetException(f, exc);
      }
    }
  }
  // Closing the request pipes ends the workers; reap them.
  for (int i = 0; i < p->nworkers; i++) {
    Worker &w = p->workers[i];
    ::close(w.wfd);
    if (p->broken) ::kill(w.pid, SIGTERM);
    int st;
    while (::waitpid(w.pid, &st, 0) < 0 && errno == EINTR) {
    }
    ::close(w.rfd);
  }
  return nullptr;
}

/// Forks the workers and starts the manager. Called with p->mu held.
bool startPool(ProcPool *p) {
  flushStdout();
  if (::pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) < 0) return false;
  GC_atfork_prepare();
  for (int i = 0; i < p->maxWorkers; i++) {
    int req[2], rep[2];
    if (::pipe2(req, O_CLOEXEC) < 0) break;
    if (::pipe2(rep, O_CLOEXEC) < 0) {
      ::close(req[0]);
      ::close(req[1]);
      break;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
      GC_atfork_child();
      ::close(req[1]);
      ::close(rep[0]);
      ::close(p->wake[0]);
      ::close(p->wake[1]);
      for (int j = 0; j < i; j++) {
        ::close(p->workers[j].wfd);
        ::close(p->workers[j].rfd);
      }
      childMain(req[0], rep[1], p->initializer, p->initargs);
    }
    ::close(req[0]);
    ::close(rep[1]);
    if (pid < 0) {
      ::close(req[1]);
      ::close(rep[0]);
      break;
    }
    p->workers[i] = Worker{pid, req[1], rep[0], nullptr};
    p->nworkers++;
  }
  GC_atfork_parent();
  if (p->nworkers == 0) return false;
  p->started = true;
  return pthread_create(&p->manager, nullptr, managerMain, p) == 0;
}

} // namespace

ProcPool *newProcPool(int maxWorkers, WValue initializer, WObj *initargs) {
  if (maxWorkers <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    maxWorkers = int(cpus > 0 ? cpus : 1);
  }
  auto *p = static_cast<ProcPool *>(GC_MALLOC_UNCOLLECTABLE(sizeof(ProcPool)));
  std::memset(static_cast<void *>(p), 0, sizeof(ProcPool));
  pthread_mutex_init(&p->mu, nullptr);
  p->maxWorkers = maxWorkers;
  p->initializer = initializer;
  p->initargs = initargs;
  p->workers = static_cast<Worker *>(GC_MALLOC_UNCOLLECTABLE(sizeof(Worker) * size_t(maxWorkers)));
  return p;
}

WValue procPoolSubmit(ProcPool *p, WValue fn, WObj *args, WObj *kwargs) {
  if (!isKind(fn, Kind::Func) && !isKind(fn, Kind::NativeFunc) && !isKind(fn, Kind::Type))
    return raiseFormat(T.TypeError, "cannot pickle '%s' object", typeName(fn));
  if (isKind(fn, Kind::Func)) {
    auto *f = reinterpret_cast<WFunc *>(fn.o);
    if (f->ncells > 0 || std::strchr(f->info->qualname, '<'))
      return raiseFormat(T.TypeError, "cannot pickle '%s': a process pool runs top-level functions only",
                         f->info->qualname);
  }
  std::string req;
  putU64(req, reinterpret_cast<uint64_t>(fn.o));
  if (!serialise(req, args ? wrt_obj(args) : newTuple(0))) return wrt_errv();
  if (!serialise(req, kwargs ? wrt_obj(kwargs) : wrt_none())) return wrt_errv();
  auto *it = static_cast<PItem *>(gcAlloc(sizeof(PItem)));
  it->request = newBytes(req);
  it->fut = newCFuture();
  {
    MutexLock g(&p->mu);
    if (p->broken) return raise(ET.brokenProcessPool, kBrokenPoolMsg);
    if (p->shutdown) return raise(T.RuntimeError, "cannot schedule new futures after shutdown");
    if (!p->started && !startPool(p)) return raiseOSError(errno ? errno : EAGAIN);
    if (p->tail) p->tail->next = it;
    else p->head = it;
    p->tail = it;
  }
  poke(p);
  return wrt_obj(it->fut);
}

void procPoolShutdown(ProcPool *p, bool wait, bool cancelFutures) {
  bool join;
  {
    MutexLock g(&p->mu);
    p->shutdown = true;
    if (cancelFutures) {
      for (PItem *w = p->head; w; w = w->next) cfCancel(w->fut);
      p->head = p->tail = nullptr;
    }
    join = wait && p->started && !p->joined;
    if (join) p->joined = true;
  }
  if (!p->started) return;
  poke(p);
  if (join) pthread_join(p->manager, nullptr);
}

namespace {

WValue ppeCtor(WNativeFunc *, WValue *a) {
  int maxWorkers = 0;
  if (a[0].tag != WT_NONE && a[0].tag != WT_UNBOUND) {
    if (!isIntLike(a[0])) return raiseTypeError("max_workers must be an int, not %s", typeName(a[0]));
    if (a[0].i <= 0) return raise(T.ValueError, "max_workers must be greater than 0");
    maxWorkers = int(std::min<int64_t>(a[0].i, 256));
  }
  WValue initializer, initargs;
  if (!initializerArgs(a[2], a[3], initializer, initargs)) return wrt_errv();
  auto *e = newObj<ExecObj>(ET.processPool);
  e->attrs = asDict(newDict());
  e->procs = newProcPool(maxWorkers, initializer, initargs.tag == WT_OBJ ? initargs.o : nullptr);
  return wrt_obj(e);
}

} // namespace

void addProcessPoolMethods() {
  ET.processPool->ctor = makeNative("ProcessPoolExecutor", ppeCtor,
                                    "max_workers=None, mp_context=None, initializer=None, initargs=None");
}

} // namespace weft::rt
