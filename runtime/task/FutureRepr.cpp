// FutureRepr.cpp: repr() of futures and tasks in CPython's format, used by
// print(task), error messages and the "never retrieved" log:
//   <Future pending>  <Future finished result=1>  <Future cancelled>
//   <Task pending name='Task-1' coro=<main() running at app.weft:10>>
//   <Task finished name='Task-2' coro=<f() done, defined at app.weft:3> exception=ValueError('x')>
#include "task/Future.h"

#include "task/Errors.h"
#include "task/Task.h"

namespace weft::rt {

namespace {

std::string coroRepr(WCoro *c) {
  std::string s = "<" + coroName(c) + "()";
  const char *file = c && c->info && c->info->file ? c->info->file : "<unknown>";
  int line = c && c->info ? c->info->line : 0;
  if (c && c->state == -1) s += " done, defined at ";
  else s += " running at ";
  s += file;
  s += ":" + std::to_string(line) + ">";
  return s;
}

const char *stateName(FutState s) {
  switch (s) {
  case FutState::Pending: return "pending";
  case FutState::Cancelled: return "cancelled";
  default: return "finished";
  }
}

} // namespace

std::string futureRepr(Future *f) {
  std::string s = "<";
  if (f->kind == FutKind::Task) s += "Task";
  else if (f->kind == FutKind::Gathering) s += "_GatheringFuture";
  else s += "Future";
  s += " ";
  s += stateName(f->state);
  if (f->kind == FutKind::Task) {
    Task *t = reinterpret_cast<Task *>(f);
    s += " name=" + reprString(taskName(t));
    s += " coro=" + coroRepr(t->coro);
  }
  if (f->state == FutState::Finished) {
    if (f->exception) s += " exception=" + reprString(wrt_obj(f->exception));
    else s += " result=" + reprString(f->result);
  }
  if (f->kind == FutKind::Task && f->state == FutState::Pending) {
    Task *t = reinterpret_cast<Task *>(f);
    if (t->futWaiter) s += " wait_for=" + futureRepr(t->futWaiter);
  }
  s += ">";
  return s;
}

} // namespace weft::rt
