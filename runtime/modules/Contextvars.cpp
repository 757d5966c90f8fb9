// Contextvars.cpp: the native `contextvars` module (PEP 567) over the
// contexts of task/Context.h: ContextVar (get, set, reset), Token, Context
// (run, copy and the read-only mapping methods) and copy_context. asyncio
// gives every task a copy of the context it was created in, and every
// callback the context it was scheduled from.
#include "core/CoreInternal.h"
#include "core/Text.h"
#include "task/Context.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <cstdio>

namespace weft::rt {

namespace {

WTypeObj *varType, *tokenType;
WValue missing;  ///< Token.MISSING

struct ContextVarObj {
  WObj hdr;
  WValue name;
  WValue dflt;  ///< UNBOUND without a default
};

struct TokenObj {
  WObj hdr;
  WValue var;
  WValue oldValue;  ///< Token.MISSING if the variable had no value
  WContext *ctx;    ///< the context set() ran in
  uint8_t used;
};

ContextVarObj *asVar(WValue v) { return reinterpret_cast<ContextVarObj *>(v.o); }
TokenObj *asToken(WValue v) { return reinterpret_cast<TokenObj *>(v.o); }
WContext *asCtx(WValue v) { return reinterpret_cast<WContext *>(v.o); }

bool isType(WValue v, WTypeObj *t) { return v.tag == WT_OBJ && v.o->type == t; }

void appendAddr(std::string &out, const void *p) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)reinterpret_cast<uintptr_t>(p));
  out += buf;
}

std::string varRepr(WValue v) {
  ContextVarObj *cv = asVar(v);
  std::string out = "<ContextVar name=";
  appendRepr(out, cv->name);
  if (cv->dflt.tag != WT_UNBOUND) {
    out += " default=";
    appendRepr(out, cv->dflt);
  }
  out += " at ";
  appendAddr(out, cv);
  return out + ">";
}

std::string tokenRepr(WValue t) {
  std::string out = asToken(t)->used ? "<Token used var=" : "<Token var=";
  out += varRepr(asToken(t)->var) + " at ";
  appendAddr(out, t.o);
  return out + ">";
}

// ---------------------------------------------------------------- ContextVar

WValue varCtor(WNativeFunc *, WValue *a) {
  if (!isStr(a[0])) return raise(T.TypeError, "context variable name must be a str");
  auto *cv = newObj<ContextVarObj>(varType);
  cv->name = a[0];
  cv->dflt = a[1];
  return wrt_obj(cv);
}

WValue varGet(WNativeFunc *, WValue *a) {
  WValue v = contextGet(a[0]);
  if (v.tag == WT_ERR) return v;
  if (v.tag != WT_UNBOUND) return v;
  if (a[1].tag != WT_UNBOUND) return a[1];
  if (asVar(a[0])->dflt.tag != WT_UNBOUND) return asVar(a[0])->dflt;
  return raiseValue(newException(T.LookupError, &asTuple(newTupleFrom(1, &a[0]))->hdr));
}

WValue varSet(WNativeFunc *, WValue *a) {
  WValue old = contextSet(a[0], a[1]);
  if (old.tag == WT_ERR) return old;
  auto *t = newObj<TokenObj>(tokenType);
  t->var = a[0];
  t->oldValue = old.tag == WT_UNBOUND ? missing : old;
  t->ctx = currentContext();
  return wrt_obj(t);
}

WValue varReset(WNativeFunc *, WValue *a) {
  if (!isType(a[1], tokenType)) return raiseTypeError("expected an instance of Token, got %s", reprString(a[1]).c_str());
  TokenObj *t = asToken(a[1]);
  if (t->used) return raise(T.RuntimeError, tokenRepr(a[1]) + " has already been used once");
  if (t->var.o != a[0].o) return raise(T.ValueError, tokenRepr(a[1]) + " was created by a different ContextVar");
  if (t->ctx != currentContext()) return raise(T.ValueError, tokenRepr(a[1]) + " was created in a different Context");
  t->used = 1;
  if (t->oldValue.tag == WT_OBJ && t->oldValue.o == missing.o) contextDelete(a[0]);
  else if (contextSet(a[0], t->oldValue).tag == WT_ERR) return wrt_errv();
  return wrt_none();
}

WValue varName(WNativeFunc *, WValue *a) { return asVar(a[0])->name; }
WValue varReprM(WNativeFunc *, WValue *a) { return newStr(varRepr(a[0])); }

// ---------------------------------------------------------------- Token

WValue tokenVar(WNativeFunc *, WValue *a) { return asToken(a[0])->var; }
WValue tokenOldValue(WNativeFunc *, WValue *a) { return asToken(a[0])->oldValue; }
WValue tokenReprM(WNativeFunc *, WValue *a) {
  if (a[0].o == missing.o) return newStr("<Token.MISSING>");
  return newStr(tokenRepr(a[0]));
}

// ---------------------------------------------------------------- Context

WValue ctxCtor(WNativeFunc *, WValue *) { return wrt_obj(newContext()); }

WValue ctxCopy(WNativeFunc *, WValue *a) { return wrt_obj(copyContext(asCtx(a[0]))); }

/// The variables of [ctx] as a dict (never null).
WValue ctxDict(WValue ctx) {
  WDict *d = asCtx(ctx)->vars;
  return d ? wrt_obj(d) : newDict();
}

WValue checkVar(WValue v) {
  if (!isType(v, varType)) return raiseTypeError("a ContextVar key was expected, got %s", reprString(v).c_str());
  return wrt_none();
}

WValue ctxGetItem(WNativeFunc *, WValue *a) {
  if (checkVar(a[1]).tag == WT_ERR) return wrt_errv();
  WValue v = dictGet(asDict(ctxDict(a[0])), a[1]);
  return v.tag == WT_UNBOUND ? raiseKeyError(a[1]) : v;
}

WValue ctxGet(WNativeFunc *, WValue *a) {
  if (checkVar(a[1]).tag == WT_ERR) return wrt_errv();
  WValue v = dictGet(asDict(ctxDict(a[0])), a[1]);
  return v.tag == WT_UNBOUND ? (a[2].tag == WT_UNBOUND ? wrt_none() : a[2]) : v;
}

WValue ctxContains(WNativeFunc *, WValue *a) {
  if (checkVar(a[1]).tag == WT_ERR) return wrt_errv();
  return wrt_bool(dictGet(asDict(ctxDict(a[0])), a[1]).tag != WT_UNBOUND);
}

WValue ctxLen(WNativeFunc *, WValue *a) { return wrt_int(asDict(ctxDict(a[0]))->size); }
WValue ctxKeys(WNativeFunc *, WValue *a) { return callMethod(ctxDict(a[0]), "keys", 0, nullptr); }
WValue ctxValues(WNativeFunc *, WValue *a) { return callMethod(ctxDict(a[0]), "values", 0, nullptr); }
WValue ctxItems(WNativeFunc *, WValue *a) { return callMethod(ctxDict(a[0]), "items", 0, nullptr); }
WValue ctxIter(WNativeFunc *, WValue *a) { return wrt_iter(ctxDict(a[0])); }

WValue copyContextImpl(WNativeFunc *, WValue *) { return wrt_obj(copyContext(currentContext())); }

WValue initContextvars() {
  WValue m = newModule("contextvars");
  varType = newType("ContextVar", T.object, Kind::Other, "contextvars");
  varType->ctor = makeNative("ContextVar", varCtor, "name, *, default=?");
  addMethod(varType, "get", varGet, "self, default=?, /");
  addMethod(varType, "set", varSet, "self, value, /");
  addMethod(varType, "reset", varReset, "self, token, /");
  addMethod(varType, "__repr__", varReprM, "self, /");
  typeSetAttr(varType, "name", newReadOnlyProperty("name", varName));

  tokenType = newType("Token", T.object, Kind::Other, "contextvars");
  missing = wrt_obj(newObj<TokenObj>(tokenType));
  typeSetAttr(tokenType, "MISSING", missing);
  typeSetAttr(tokenType, "var", newReadOnlyProperty("var", tokenVar));
  typeSetAttr(tokenType, "old_value", newReadOnlyProperty("old_value", tokenOldValue));
  addMethod(tokenType, "__repr__", tokenReprM, "self, /");

  WTypeObj *ct = contextType();
  ct->ctor = makeNative("Context", ctxCtor, "");
  addMethod(ct, "run", contextRun, "self, callable, /, *args, **kwargs");
  addMethod(ct, "copy", ctxCopy, "self, /");
  addMethod(ct, "get", ctxGet, "self, key, default=?, /");
  addMethod(ct, "keys", ctxKeys, "self, /");
  addMethod(ct, "values", ctxValues, "self, /");
  addMethod(ct, "items", ctxItems, "self, /");
  addMethod(ct, "__getitem__", ctxGetItem, "self, key, /");
  addMethod(ct, "__contains__", ctxContains, "self, key, /");
  addMethod(ct, "__len__", ctxLen, "self, /");
  addMethod(ct, "__iter__", ctxIter, "self, /");

  moduleSet(m, "ContextVar", wrt_obj(varType));
  moduleSet(m, "Token", wrt_obj(tokenType));
  moduleSet(m, "Context", wrt_obj(ct));
  moduleSet(m, "copy_context", makeNative("copy_context", copyContextImpl, ""));
  return m;
}

} // namespace

void initContextvarsModule() { registerModule("contextvars", initContextvars); }

} // namespace weft::rt
