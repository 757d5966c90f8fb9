// LoopTestSupport.h: helpers shared by the event loop unit tests: a trace of
// callback labels and native callbacks that append to it, so each test can
// assert the exact order in which the loop ran things.
#ifndef WEFT_TESTS_LOOPTESTSUPPORT_H
#define WEFT_TESTS_LOOPTESTSUPPORT_H

#include "loop/EventLoop.h"

#include <gc/gc.h>

#include <string>
#include <vector>

namespace weft::rt::testing {

/// A label in a trace; [a] of a native callback points to one of these.
struct Step {
  std::vector<std::string> *trace;
  std::string label;
  EventLoop *loop = nullptr;
  Step *next = nullptr;   ///< scheduled with callSoon when this one runs
};

inline int record(void *a, void *) {
  Step *s = static_cast<Step *>(a);
  s->trace->push_back(s->label);
  if (s->next) s->loop->callSoon(&record, s->next, nullptr);
  return 0;
}

inline int stopLoop(void *a, void *) {
  static_cast<EventLoop *>(a)->stop();
  return 0;
}

/// Registers a std::thread with the collector for its lifetime (gc.h only
/// redirects pthread_create).
struct GcThreadScope {
  GcThreadScope() {
    GC_stack_base sb;
    GC_get_stack_base(&sb);
    GC_register_my_thread(&sb);
  }
  ~GcThreadScope() { GC_unregister_my_thread(); }
};

inline void gcInit() {
  GC_INIT();
  GC_allow_register_threads();
}

} // namespace weft::rt::testing

#endif
