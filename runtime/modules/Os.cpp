// Os.cpp: the native `os` and `os.path` modules: process facts (getpid,
// cpu_count, getcwd, kill, _exit), descriptors (pipe, read, write, close),
// the environment (environ as a dict snapshot, getenv),
// a few file-system calls (open and its O_* flags, listdir, remove, mkdir,
// makedirs, rename, rmdir)
// and the path helpers scripts use. Errors are OSError subclasses with
// CPython's "[Errno N] text: 'path'" messages.
#include "core/Text.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <pwd.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace weft::rt {

namespace {

WValue osError(int err, std::string_view path) {
  WTypeObj *t = T.OSError;
  switch (err) {
  case ENOENT: t = T.FileNotFoundError; break;
  case EACCES: case EPERM: t = T.PermissionError; break;
  case EISDIR: t = T.IsADirectoryError; break;
  case EEXIST: t = T.FileExistsError; break;
  case ENOTDIR: t = T.NotADirectoryError; break;
  default: break;
  }
  std::string msg = "[Errno " + std::to_string(err) + "] " + std::strerror(err);
  if (!path.empty()) {
    msg += ": ";
    appendStrRepr(msg, path);
  }
  return raise(t, msg);
}

bool pathArg(WValue v, std::string &out) {
  if (!isStr(v)) {
    raiseFormat(T.TypeError, "expected str, bytes or os.PathLike object, not %s", typeName(v));
    return false;
  }
  out = strView(v);
  return true;
}

WValue environDict;

WValue o_getpid(WNativeFunc *, WValue *) { return wrt_int(getpid()); }
WValue o_getppid(WNativeFunc *, WValue *) { return wrt_int(getppid()); }

/// os.kill(pid, sig).
WValue o_kill(WNativeFunc *, WValue *a) {
  if (!isIntLike(a[0]) || !isIntLike(a[1]))
    return raiseTypeError("'%s' object cannot be interpreted as an integer", typeName(isIntLike(a[0]) ? a[1] : a[0]));
  flushStdout();  // the signal may end this very process
  if (::kill(pid_t(a[0].i), int(a[1].i)) != 0) return osError(errno, "");
  return wrt_none();
}

/// os.pipe(): (read end, write end), not inherited by children, as in CPython.
WValue o_pipe(WNativeFunc *, WValue *) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return osError(errno, "");
  return newTupleOf({wrt_int(fds[0]), wrt_int(fds[1])});
}

bool fdArg(WValue v, int &fd) {
  if (!isIntLike(v)) {
    raiseTypeError("'%s' object cannot be interpreted as an integer", typeName(v));
    return false;
  }
  fd = int(v.i);
  return true;
}

/// os.read(fd, n): at most n bytes; b"" at end of file.
WValue o_read(WNativeFunc *, WValue *a) {
  int fd;
  int ignored;
  if (!fdArg(a[0], fd) || !fdArg(a[1], ignored)) return wrt_errv();
  if (a[1].i < 0) return raise(T.ValueError, "negative count");
  std::string buf(size_t(a[1].i), '\0');
  ssize_t k;
  while ((k = ::read(fd, buf.data(), buf.size())) < 0 && errno == EINTR) {
  }
  if (k < 0) return osError(errno, "");
  buf.resize(size_t(k));
  return newBytes(buf);
}

/// os.write(fd, data): the number of bytes written.
WValue o_write(WNativeFunc *, WValue *a) {
  int fd;
  if (!fdArg(a[0], fd)) return wrt_errv();
  if (!isKind(a[1], Kind::Bytes)) return raiseTypeError("a bytes-like object is required, not '%s'", typeName(a[1]));
  auto *b = reinterpret_cast<WBytes *>(a[1].o);
  ssize_t k;
  while ((k = ::write(fd, b->data, size_t(b->size))) < 0 && errno == EINTR) {
  }
  if (k < 0) return osError(errno, "");
  return wrt_int(k);
}

WValue o_close(WNativeFunc *, WValue *a) {
  int fd;
  if (!fdArg(a[0], fd)) return wrt_errv();
  if (::close(fd) != 0) return osError(errno, "");
  return wrt_none();
}

/// os._exit(n): ends the process at once; like CPython's, it flushes no
/// buffered output and runs no cleanup.
WValue o_exit(WNativeFunc *, WValue *a) {
  if (!isIntLike(a[0])) return raiseTypeError("'%s' object cannot be interpreted as an integer", typeName(a[0]));
  _exit(int(a[0].i));
}
WValue o_cpu_count(WNativeFunc *, WValue *) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? wrt_int(n) : wrt_none();
}
WValue o_getcwd(WNativeFunc *, WValue *) {
  char buf[4096];
  if (!getcwd(buf, sizeof buf)) return osError(errno, "");
  return makeStr(buf);
}

WValue o_getenv(WNativeFunc *, WValue *a) {
  if (!isStr(a[0])) return raiseFormat(T.TypeError, "str expected, not %s", typeName(a[0]));
  WValue v = dictGet(asDict(environDict), a[0]);
  if (v.tag == WT_ERR) return v;
  if (v.tag == WT_UNBOUND) return a[1].tag == WT_UNBOUND ? wrt_none() : a[1];
  return v;
}

WValue o_listdir(WNativeFunc *, WValue *a) {
  std::string p = ".";
  if (a[0].tag != WT_UNBOUND && !pathArg(a[0], p)) return wrt_errv();
  DIR *d = opendir(p.c_str());
  if (!d) return osError(errno, p);
  WValue l = newList(0);
  while (struct dirent *e = readdir(d)) {
    if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
    listAppend(asList(l), makeStr(e->d_name));
  }
  closedir(d);
  return l;
}

WValue o_remove(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  if (unlink(p.c_str()) < 0) return osError(errno, p);
  return wrt_none();
}

WValue o_rmdir(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  if (rmdir(p.c_str()) < 0) return osError(errno, p);
  return wrt_none();
}

WValue o_mkdir(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  mode_t mode = isIntLike(a[1]) ? mode_t(a[1].i) : 0777;
  if (mkdir(p.c_str(), mode) < 0) return osError(errno, p);
  return wrt_none();
}

/// os.open(path, flags, mode=0o777): a file descriptor (close-on-exec, as
/// CPython makes every descriptor it opens).
WValue o_open(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  if (!isIntLike(a[1])) return raiseTypeError("'%s' object cannot be interpreted as an integer", typeName(a[1]));
  mode_t mode = isIntLike(a[2]) ? mode_t(a[2].i) : 0777;
  int fd;
  do fd = open(p.c_str(), int(a[1].i) | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return osError(errno, p);
  return wrt_int(fd);
}

WValue o_makedirs(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  int existOk = a[2].tag == WT_UNBOUND ? 0 : truthy(a[2]);
  for (size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      std::string part = p.substr(0, i);
      if (mkdir(part.c_str(), 0777) < 0) {
        if (errno != EEXIST) return osError(errno, part);
        if (i == p.size() && !existOk) return osError(EEXIST, p);
      }
    }
  }
  return wrt_none();
}

WValue o_rename(WNativeFunc *, WValue *a) {
  std::string x, y;
  if (!pathArg(a[0], x) || !pathArg(a[1], y)) return wrt_errv();
  if (rename(x.c_str(), y.c_str()) < 0) return osError(errno, x);
  return wrt_none();
}

WValue o_urandom(WNativeFunc *, WValue *a) {
  if (!isIntLike(a[0]) || a[0].i < 0) return raise(T.ValueError, "negative argument not allowed");
  std::string buf(size_t(a[0].i), '\0');
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t r = getrandom(buf.data() + got, buf.size() - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return osError(errno, "");
    got += size_t(r);
  }
  return newBytes(buf);
}

// ---- os.path
WValue p_join(WNativeFunc *, WValue *a) {
  std::string out;
  if (!pathArg(a[0], out)) return wrt_errv();
  WTuple *rest = asTuple(a[1]);
  for (int64_t i = 0; i < rest->size; ++i) {
    std::string part;
    if (!pathArg(rest->items[i], part)) return wrt_errv();
    if (!part.empty() && part[0] == '/') out = part;
    else if (out.empty() || out.back() == '/') out += part;
    else out += "/" + part;
  }
  return makeStr(out);
}

int statKind(WValue v) { // 0 missing, 1 file, 2 dir, 3 other
  if (!isStr(v)) return 0;
  struct stat st;
  std::string p(strView(v));
  if (stat(p.c_str(), &st) < 0) return 0;
  return S_ISREG(st.st_mode) ? 1 : S_ISDIR(st.st_mode) ? 2 : 3;
}
WValue p_exists(WNativeFunc *, WValue *a) { return wrt_bool(statKind(a[0]) != 0); }
WValue p_isfile(WNativeFunc *, WValue *a) { return wrt_bool(statKind(a[0]) == 1); }
WValue p_isdir(WNativeFunc *, WValue *a) { return wrt_bool(statKind(a[0]) == 2); }
WValue p_islink(WNativeFunc *, WValue *a) {
  struct stat st;
  return wrt_bool(isStr(a[0]) && lstat(std::string(strView(a[0])).c_str(), &st) == 0 && S_ISLNK(st.st_mode));
}

WValue p_basename(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  size_t i = p.rfind('/');
  return makeStr(i == std::string::npos ? p : p.substr(i + 1));
}

WValue p_dirname(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  size_t i = p.rfind('/');
  if (i == std::string::npos) return makeStr("", 0);
  std::string head = p.substr(0, i + 1);
  // Strip trailing slashes unless the head is all slashes (posixpath.dirname).
  if (head.find_first_not_of('/') != std::string::npos)
    while (!head.empty() && head.back() == '/') head.pop_back();
  return makeStr(head);
}

/// posixpath.split: (head, tail), head stripped of trailing slashes unless
/// it is all slashes.
WValue p_split(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  size_t i = p.rfind('/');
  std::string head = i == std::string::npos ? "" : p.substr(0, i + 1);
  std::string tail = i == std::string::npos ? p : p.substr(i + 1);
  if (head.find_first_not_of('/') != std::string::npos)
    while (!head.empty() && head.back() == '/') head.pop_back();
  return newTupleOf({makeStr(head), makeStr(tail)});
}

/// posixpath.expanduser: a leading ~ or ~user becomes that home directory.
WValue p_expanduser(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  if (p.empty() || p[0] != '~') return makeStr(p);
  size_t slash = p.find('/', 1);
  if (slash == std::string::npos) slash = p.size();
  std::string home;
  if (slash == 1) {
    const char *h = std::getenv("HOME");
    if (h) home = h;
    else if (passwd *pw = getpwuid(getuid())) home = pw->pw_dir;
    else return makeStr(p);
  } else {
    passwd *pw = getpwnam(p.substr(1, slash - 1).c_str());
    if (!pw) return makeStr(p);
    home = pw->pw_dir;
  }
  if (home != "/")
    while (!home.empty() && home.back() == '/') home.pop_back();
  std::string out = home + p.substr(slash);
  return makeStr(out.empty() ? "/" : out);
}

WValue p_splitext(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  size_t slash = p.rfind('/');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = p.rfind('.');
  if (dot != std::string::npos && dot > base) {
    // Leading dots of the base name do not start an extension (".bashrc").
    size_t k = base;
    while (k < dot && p[k] == '.') ++k;
    if (k < dot) return newTupleOf({makeStr(p.substr(0, dot)), makeStr(p.substr(dot))});
  }
  return newTupleOf({makeStr(p), makeStr("", 0)});
}

WValue p_abspath(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  if (p.empty() || p[0] != '/') {
    char buf[4096];
    if (getcwd(buf, sizeof buf)) p = std::string(buf) + "/" + p;
  }
  // Normalise . and .. components.
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string c = p.substr(i, j - i);
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!c.empty() && c != ".") {
      parts.push_back(c);
    }
    i = j + 1;
  }
  std::string out;
  for (auto &c : parts) out += "/" + c;
  return makeStr(out.empty() ? "/" : out);
}

WValue p_getsize(WNativeFunc *, WValue *a) {
  std::string p;
  if (!pathArg(a[0], p)) return wrt_errv();
  struct stat st;
  if (stat(p.c_str(), &st) < 0) return osError(errno, p);
  return wrt_int(st.st_size);
}

WValue initOsPath() {
  WValue m = newModule("os.path");
  auto fn = [&](const char *name, WNativeCode code, const char *params) {
    moduleSet(m, name, makeNative(name, code, params));
  };
  fn("join", p_join, "a, /, *p");
  fn("exists", p_exists, "path");
  fn("isfile", p_isfile, "path");
  fn("isdir", p_isdir, "s");
  fn("islink", p_islink, "path");
  fn("basename", p_basename, "p");
  fn("dirname", p_dirname, "p");
  fn("splitext", p_splitext, "p");
  fn("split", p_split, "p");
  fn("expanduser", p_expanduser, "path");
  fn("abspath", p_abspath, "path");
  fn("getsize", p_getsize, "filename");
  moduleSet(m, "sep", makeStr("/"));
  return m;
}

WValue initOs() {
  WValue m = newModule("os");
  auto fn = [&](const char *name, WNativeCode code, const char *params) {
    moduleSet(m, name, makeNative(name, code, params));
  };
  environDict = newDict();
  for (char **e = environ; e && *e; ++e) {
    const char *eq = std::strchr(*e, '=');
    if (!eq) continue;
    std::string_view k(*e, size_t(eq - *e)), v(eq + 1);
    if (!validUtf8(k) || !validUtf8(v)) continue;
    dictSet(asDict(environDict), makeStr(k), makeStr(v));
  }
  moduleSet(m, "environ", environDict);
  fn("getpid", o_getpid, "");
  fn("getppid", o_getppid, "");
  fn("_exit", o_exit, "status");
  fn("kill", o_kill, "pid, signal, /");
  fn("pipe", o_pipe, "");
  fn("read", o_read, "fd, length, /");
  fn("write", o_write, "fd, data, /");
  fn("close", o_close, "fd");
  fn("cpu_count", o_cpu_count, "");
  fn("getcwd", o_getcwd, "");
  fn("getenv", o_getenv, "key, default=?");
  fn("listdir", o_listdir, "path=?");
  fn("remove", o_remove, "path");
  fn("unlink", o_remove, "path");
  fn("rmdir", o_rmdir, "path");
  fn("mkdir", o_mkdir, "path, mode=511");
  fn("open", o_open, "path, flags, mode=511");
  const struct { const char *name; int value; } flags[] = {
      {"O_RDONLY", O_RDONLY}, {"O_WRONLY", O_WRONLY}, {"O_RDWR", O_RDWR},       {"O_CREAT", O_CREAT},
      {"O_EXCL", O_EXCL},     {"O_TRUNC", O_TRUNC},   {"O_APPEND", O_APPEND},   {"O_NONBLOCK", O_NONBLOCK},
      {"O_CLOEXEC", O_CLOEXEC}, {"O_NOFOLLOW", O_NOFOLLOW}, {"O_DIRECTORY", O_DIRECTORY},
  };
  for (const auto &f : flags) moduleSet(m, f.name, wrt_int(f.value));
  fn("makedirs", o_makedirs, "name, mode=511, exist_ok=False");
  fn("rename", o_rename, "src, dst");
  fn("urandom", o_urandom, "size, /");
  moduleSet(m, "sep", makeStr("/"));
  moduleSet(m, "linesep", makeStr("\n"));
  moduleSet(m, "name", makeStr("posix"));
  WValue path = wrt_import("os.path");
  if (path.tag == WT_ERR) return path;
  moduleSet(m, "path", path);
  return m;
}

} // namespace

void initOsModule() {
  registerModule("os.path", initOsPath);
  registerModule("os", initOs);
}

} // namespace weft::rt
