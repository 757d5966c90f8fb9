// FileIO.cpp: open() and blocking file objects: read/readline/readlines,
// iteration by lines, write/writelines, close, flush, `with` support, for
// the modes r w a x (+) with or without b. Text mode decodes UTF-8 and
// translates \r\n and \r to \n on reading, as CPython's universal newlines
// do. Writes go straight to the descriptor, so `open(p, "w").write(s)` is on
// disk at the next statement the way CPython's reference counting makes it.
// System calls retry on EINTR (the collector's signals interrupt them).
#include "core/Text.h"

#include <cerrno>
#include <sys/stat.h>
#include <cstring>
#include <fcntl.h>
#include <gc.h>
#include <unistd.h>

namespace weft::rt {

namespace {

/// Laid out like WInstance (hdr, attrs) so attribute access works on it.
struct WFile {
  WObj hdr;
  WDict *attrs;
  int64_t fd;
  bool readable, writable, binary, closed, eof;
  char *buf;      ///< read buffer (GC atomic)
  int64_t pos, len, cap;
};

enum { kChunk = 1 << 16 };

WTypeObj *textFileType, *binFileType;

WFile *asFile(WValue v) { return reinterpret_cast<WFile *>(v.o); }

/// CPython's OSError for a failed file operation: the errno's subclass, with
/// errno, strerror and filename set (str: "[Errno 2] ...: 'path'").
WValue raiseOSErrorFor(int err, std::string_view filename) {
  if (filename.empty()) return raiseOSError(err);
  return raiseOSError(err, std::string(filename).c_str());
}

/// [op] names the operation for binary files' messages ("read of closed
/// file"); text files always say "I/O operation on closed file." as CPython.
bool checkOpen(WFile *f, const char *op = nullptr) {
  if (!f->closed) return true;
  if (f->binary && op) {
    std::string_view o(op);
    raiseFormat(T.ValueError, "%s %s closed file", op, o == "write" ? "to" : "of");
  } else {
    raise(T.ValueError, "I/O operation on closed file.");
  }
  return false;
}

/// Reads one more chunk into the buffer; false on error (raised).
bool fill(WFile *f) {
  if (f->eof) return true;
  if (f->pos > 0 && f->pos == f->len) f->pos = f->len = 0;
  if (f->len + kChunk > f->cap) {
    int64_t live = f->len - f->pos;
    int64_t ncap = (live + kChunk) * 2;
    char *nb = static_cast<char *>(gcAllocAtomic(size_t(ncap)));
    if (live) std::memcpy(nb, f->buf + f->pos, size_t(live));
    f->buf = nb;
    f->cap = ncap;
    f->len = live;
    f->pos = 0;
  }
  for (;;) {
    ssize_t r = ::read(int(f->fd), f->buf + f->len, size_t(f->cap - f->len));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      raiseOSErrorFor(errno, "");
      return false;
    }
    if (r == 0) f->eof = true;
    f->len += r;
    return true;
  }
}

/// Appends [n] buffered bytes to [out], translating newlines in text mode.
/// A trailing '\r' is only consumed once we know what follows it.
void take(WFile *f, int64_t n, std::string &out) {
  const char *p = f->buf + f->pos;
  if (f->binary) {
    out.append(p, size_t(n));
  } else {
    for (int64_t i = 0; i < n; ++i) {
      if (p[i] == '\r') {
        out.push_back('\n');
        if (i + 1 < n && p[i + 1] == '\n') ++i;
        else if (i + 1 == n && f->pos + n < f->len && f->buf[f->pos + n] == '\n') {
          ++n; // swallow the '\n' of a "\r\n" split from its '\r'
          ++i;
        }
      } else {
        out.push_back(p[i]);
      }
    }
  }
  f->pos += n;
}

WValue result(WFile *f, std::string &data) {
  if (f->binary) return newBytes(data);
  if (!validUtf8(data)) return bytesDecode(newBytes(data), wrt_unbound(), wrt_unbound());
  return makeStr(data);
}

/// One line (with its '\n'), or "" at end of file.
bool readLineInto(WFile *f, std::string &out, int64_t limit) {
  for (;;) {
    const char *p = f->buf ? f->buf + f->pos : nullptr;
    int64_t avail = f->len - f->pos;
    int64_t i = 0;
    for (; i < avail; ++i) {
      if (p[i] == '\n') break;
      if (p[i] == '\r' && !f->binary) break;
    }
    if (i < avail) {
      // A '\r' at the end of the buffer may be the first half of "\r\n".
      if (p[i] == '\r' && i + 1 == avail && !f->eof) {
        if (!fill(f)) return false;
        continue;
      }
      take(f, i + 1, out);
      return true;
    }
    if (f->eof || (limit >= 0 && avail >= limit)) {
      take(f, avail, out);
      return true;
    }
    if (!fill(f)) return false;
  }
}

WValue f_read(WValue self, WValue *a) {
  WFile *f = asFile(self);
  if (!checkOpen(f, "read")) return wrt_errv();
  if (!f->readable) return raise(T.OSError, "not readable");
  int64_t n = isIntLike(a[0]) ? a[0].i : -1;
  std::string out;
  if (n < 0) {
    while (!f->eof)
      if (!fill(f)) return wrt_errv();
    take(f, f->len - f->pos, out);
    return result(f, out);
  }
  // n bytes (binary) or n characters (text).
  while (true) {
    int64_t avail = f->len - f->pos;
    if (f->binary) {
      if (avail >= n || f->eof) {
        take(f, avail < n ? avail : n, out);
        return result(f, out);
      }
    } else {
      // Count code points that the translated output will hold.
      int64_t chars = 0, i = 0;
      const char *p = f->buf ? f->buf + f->pos : nullptr;
      while (i < avail && chars < n) {
        uint8_t c = uint8_t(p[i]);
        int64_t l = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (c == '\r' && i + 1 < avail && p[i + 1] == '\n') l = 2;
        if (i + l > avail) break;
        i += l;
        ++chars;
      }
      bool pendingCR = i == avail && avail > 0 && p[avail - 1] == '\r' && !f->eof;
      if ((chars == n && !pendingCR) || f->eof) {
        take(f, i, out);
        return result(f, out);
      }
    }
    if (!fill(f)) return wrt_errv();
  }
}

WValue f_readline(WValue self, WValue *a) {
  WFile *f = asFile(self);
  if (!checkOpen(f, "readline")) return wrt_errv();
  std::string out;
  if (!readLineInto(f, out, -1)) return wrt_errv();
  return result(f, out);
}

WValue f_readlines(WValue self, WValue *) {
  WFile *f = asFile(self);
  if (!checkOpen(f)) return wrt_errv();
  WValue l = newList(0);
  for (;;) {
    std::string out;
    if (!readLineInto(f, out, -1)) return wrt_errv();
    if (out.empty()) return l;
    WValue line = result(f, out);
    if (line.tag == WT_ERR) return line;
    listAppend(asList(l), line);
  }
}

WValue f_next(WValue self, WValue *) {
  WFile *f = asFile(self);
  if (!checkOpen(f, "readline")) return wrt_errv();
  std::string out;
  if (!readLineInto(f, out, -1)) return wrt_errv();
  if (out.empty()) return raiseValue(newException(T.StopIteration, nullptr));
  return result(f, out);
}

WValue f_iter(WValue self, WValue *) {
  if (!checkOpen(asFile(self))) return wrt_errv();
  return self;
}

bool writeAllFd(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      raiseOSErrorFor(errno, "");
      return false;
    }
    p += w;
    n -= size_t(w);
  }
  return true;
}

WValue f_write(WValue self, WValue *a) {
  WFile *f = asFile(self);
  if (!checkOpen(f, "write")) return wrt_errv();
  if (!f->writable) return raise(T.OSError, "not writable");
  if (f->binary) {
    if (!isKind(a[0], Kind::Bytes))
      return raiseFormat(T.TypeError, "a bytes-like object is required, not '%s'",
                         typeName(a[0]));
    auto *b = reinterpret_cast<WBytes *>(a[0].o);
    if (!writeAllFd(int(f->fd), b->data, size_t(b->size))) return wrt_errv();
    return wrt_int(b->size);
  }
  if (!isStr(a[0]))
    return raiseFormat(T.TypeError, "write() argument must be str, not %s", typeName(a[0]));
  std::string_view s = strView(a[0]);
  if (!writeAllFd(int(f->fd), s.data(), s.size())) return wrt_errv();
  return wrt_int(strLength(a[0]));
}

WValue f_writelines(WValue self, WValue *a) {
  WValue it = iter(a[0]);
  if (it.tag == WT_ERR) return it;
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return wrt_none();
    WValue r = f_write(self, &x);
    if (r.tag == WT_ERR) return r;
  }
}

/// tell(): the descriptor's offset less what the read buffer holds unread
/// (for a text file, CPython's cookie is this byte offset too while no
/// decoder state is pending, which UTF-8 text between reads never has).
WValue f_tell(WValue self, WValue *) {
  WFile *f = asFile(self);
  if (!checkOpen(f)) return wrt_errv();
  off_t at = lseek(int(f->fd), 0, SEEK_CUR);
  if (at < 0) return raiseOSErrorFor(errno, "");
  return wrt_int(int64_t(at) - (f->len - f->pos));
}

/// seek(offset, whence=0): drops the read buffer and moves the descriptor.
WValue f_seek(WValue self, WValue *a) {
  WFile *f = asFile(self);
  if (!checkOpen(f)) return wrt_errv();
  if (a[0].tag != WT_INT && a[0].tag != WT_BOOL)
    return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(a[0]));
  int64_t whence = a[1].tag == WT_INT ? a[1].i : 0;
  if (whence < 0 || whence > 2) return raiseFormat(T.ValueError, "invalid whence (%lld, should be 0, 1 or 2)", (long long)whence);
  if (!f->binary && whence != 0 && a[0].i != 0)
    return raise(T.OSError, whence == 1 ? "can't do nonzero cur-relative seeks" : "can't do nonzero end-relative seeks");
  if (!f->binary && whence == 0 && a[0].i < 0)
    return raiseFormat(T.ValueError, "negative seek position %lld", (long long)a[0].i);
  int64_t offset = a[0].i;
  if (whence == 1) offset -= f->len - f->pos;  // relative to what the program has read
  off_t at = lseek(int(f->fd), off_t(offset), int(whence));
  if (at < 0) return raiseOSErrorFor(errno, "");
  f->pos = f->len = 0;
  f->eof = false;
  return wrt_int(int64_t(at));
}

WValue f_close(WValue self, WValue *) {
  WFile *f = asFile(self);
  if (f->closed) return wrt_none();
  f->closed = true;
  dictSetStr(f->attrs, internStr("closed"), wrt_bool(1));
  if (::close(int(f->fd)) < 0 && errno != EINTR) return raiseOSErrorFor(errno, "");
  return wrt_none();
}

WValue f_flush(WValue self, WValue *) {
  if (!checkOpen(asFile(self), "flush")) return wrt_errv();
  return wrt_none();
}

WValue f_enter(WValue self, WValue *) {
  if (!checkOpen(asFile(self))) return wrt_errv();
  return self;
}

WValue f_exit(WValue self, WValue *) {
  WValue r = f_close(self, nullptr);
  return r.tag == WT_ERR ? r : wrt_bool(0);
}

WValue f_fileno(WValue self, WValue *) { return wrt_int(asFile(self)->fd); }

WValue openImpl(WNativeFunc *, WValue *a) {
  WValue file = a[0];
  if (!isStr(file))
    return raiseFormat(T.TypeError, "expected str, bytes or os.PathLike object, not %s",
                       typeName(file));
  std::string_view mode = isStr(a[1]) ? strView(a[1]) : "r";
  bool r = false, w = false, ap = false, x = false, b = false, t = false, plus = false;
  for (char c : mode) {
    bool dup = false;
    switch (c) {
    case 'r': dup = r; r = true; break;
    case 'w': dup = w; w = true; break;
    case 'a': dup = ap; ap = true; break;
    case 'x': dup = x; x = true; break;
    case 'b': dup = b; b = true; break;
    case 't': dup = t; t = true; break;
    case '+': dup = plus; plus = true; break;
    default: dup = true;
    }
    if (dup) {
      std::string m(mode);
      return raiseFormat(T.ValueError, "invalid mode: '%s'", m.c_str());
    }
  }
  if (int(r) + int(w) + int(ap) + int(x) != 1)
    return raise(T.ValueError, "must have exactly one of create/read/write/append mode");
  if (b && t) return raise(T.ValueError, "can't have text and binary mode at once");
  if (b && isStr(a[2])) return raise(T.ValueError, "binary mode doesn't take an encoding argument");
  int flags = O_CLOEXEC;
  if (r) flags |= plus ? O_RDWR : O_RDONLY;
  if (w) flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
  if (ap) flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
  if (x) flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL;
  std::string path(strView(file));
  int fd;
  for (int attempt = 0;; ++attempt) {
    fd = ::open(path.c_str(), flags, 0666);
    if (fd >= 0 || errno == EINTR) {
      if (fd >= 0) break;
      continue;
    }
    // Out of descriptors: files the program dropped may still hold some
    // until the collector finalizes them, so collect once and retry.
    if ((errno == EMFILE || errno == ENFILE) && attempt == 0) {
      GC_gcollect();
      GC_invoke_finalizers();
      continue;
    }
    break;
  }
  if (fd < 0) return raiseOSErrorFor(errno, path);
  // open(2) lets a directory be opened for reading; Python's FileIO refuses.
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return raiseOSErrorFor(EISDIR, path);
  }
  return fileFromFd(fd, b, r || plus, w || ap || x || plus, file,
                    isStr(a[1]) ? a[1] : makeStr("r", 1));
}

void addFileMethods(WTypeObj *t) {
  WEFT_TEXT_METHOD(t, "read", f_read, "self, size=-1, /");
  WEFT_TEXT_METHOD(t, "readline", f_readline, "self, size=-1, /");
  WEFT_TEXT_METHOD(t, "readlines", f_readlines, "self, hint=-1, /");
  WEFT_TEXT_METHOD(t, "write", f_write, "self, data, /");
  WEFT_TEXT_METHOD(t, "writelines", f_writelines, "self, lines, /");
  WEFT_TEXT_METHOD(t, "close", f_close, "self, /");
  WEFT_TEXT_METHOD(t, "tell", f_tell, "self, /");
  WEFT_TEXT_METHOD(t, "seek", f_seek, "self, offset, whence=0, /");
  WEFT_TEXT_METHOD(t, "flush", f_flush, "self, /");
  WEFT_TEXT_METHOD(t, "fileno", f_fileno, "self, /");
  WEFT_TEXT_METHOD(t, "__enter__", f_enter, "self, /");
  WEFT_TEXT_METHOD(t, "__exit__", f_exit, "self, *args");
  WEFT_TEXT_METHOD(t, "__iter__", f_iter, "self, /");
  WEFT_TEXT_METHOD(t, "__next__", f_next, "self, /");
}

} // namespace

/// Closes the descriptor of a file object the program dropped without
/// close(), as CPython's reference counting does, so loops that open files
/// do not run out of descriptors. Runs from the collector, on whatever
/// thread allocated; close() is all it does.
void closeUnreachable(void *obj, void *) {
  auto *f = static_cast<WFile *>(obj);
  if (!f->closed && f->fd > 2) ::close(int(f->fd));
  f->closed = true;
}

WValue fileFromFd(int fd, bool binary, bool readable, bool writable, WValue name, WValue mode) {
  auto *f = newObj<WFile>(binary ? binFileType : textFileType, sizeof(WFile));
  GC_register_finalizer_no_order(f, closeUnreachable, nullptr, nullptr, nullptr);
  f->attrs = asDict(newDict());
  f->fd = fd;
  f->readable = readable;
  f->writable = writable;
  f->binary = binary;
  dictSetStr(f->attrs, internStr("name"), name);
  dictSetStr(f->attrs, internStr("mode"), mode);
  dictSetStr(f->attrs, internStr("closed"), wrt_bool(0));
  return wrt_obj(f);
}

WValue stdinFile() {
  static WValue in = wrt_unbound(); // data segment: scanned by the collector
  if (in.tag == WT_UNBOUND)
    in = fileFromFd(0, false, true, false, makeStr("<stdin>"), makeStr("r", 1));
  return in;
}

WTypeObj *newNativeClass(const char *name, const char *module) {
  WTypeObj *t = newType(name, T.object, Kind::Instance, module);
  t->flags |= TYPE_USER;
  return t;
}

WValue newNativeInstance(WTypeObj *t) {
  auto *o = newObj<WInstance>(t);
  o->attrs = asDict(newDict());
  return wrt_obj(o);
}

void instSet(WValue inst, const char *name, WValue v) {
  dictSetStr(reinterpret_cast<WInstance *>(inst.o)->attrs, internStr(name), v);
}

WValue instGet(WValue inst, const char *name) {
  return dictGetStr(reinterpret_cast<WInstance *>(inst.o)->attrs, internStr(name));
}

void initFileIO() {
  textFileType = newNativeClass("TextIOWrapper", "_io");
  binFileType = newNativeClass("BufferedReader", "_io");
  addFileMethods(textFileType);
  addFileMethods(binFileType);
  registerBuiltin("open", makeNative("open", openImpl,
                                     "file, mode='r', buffering=-1, encoding=None, errors=None, "
                                     "newline=None, closefd=True, opener=None"));
}

} // namespace weft::rt
