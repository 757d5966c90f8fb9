// LoopBench.cpp: the peer benchmarks (/work/shared/peers) rebuilt on the
// runtime with hand-written coroutine frames, i.e. what compiled Weft code
// will cost minus the compiler's own frame code:
//   spawn:  N tasks, each `await asyncio.sleep(0); return i`, gathered, summed
//   switch: two tasks handing control back and forth (sleep(0) and futures)
//   memory: N tasks suspended in `await asyncio.sleep(1)`: GC heap per task
// Run: weft_loop_bench [--benchmark_filter=...]. Each case runs once per
// repetition at full size because 1M-task churn is what matters here.
#include "core/Object.h"
#include "modules/AsyncioInternal.h"
#include "task/Await.h"
#include "task/Gather.h"
#include "task/NativeCoro.h"
#include "task/Task.h"
#include "weft/rt/wrt_api.h"

#include <benchmark/benchmark.h>
#include <gc/gc.h>

using namespace weft::rt;

namespace {

WEFT_NATIVE_CORO_INFO(spawnInfo, "spawned");

/// async def spawned(i): await asyncio.sleep(0); return i
struct SpawnFrame {
  WCoro c;
  int64_t i;
};

WValue spawnResume(WCoro *frame, WValue v, int64_t mode) {
  auto *f = reinterpret_cast<SpawnFrame *>(frame);
  WValue r = wrt_await_step(frame, wrt_obj(sleepZeroFrame()), v, mode);
  if (r.tag == WT_SUSPEND) {
    frame->state = 1;
    return r;
  }
  frame->state = -1;
  return r.tag == WT_ERR ? r : wrt_int(f->i);
}

WValue *roots() {
  static WValue *r = [] {
    initRuntime();
    initAsyncioTypes();
    return wrt_alloc_roots(4);
  }();
  return r;
}

void BM_Spawn(benchmark::State &state) {
  int64_t n = state.range(0);
  WValue *r = roots();
  for (auto _ : state) {
    r[0] = newLoopObj();
    EventLoop *loop = loopOf(r[0]);
    WValue *tasks = static_cast<WValue *>(gcAlloc(sizeof(WValue) * n));
    r[1] = wrt_obj(tasks);
    int64_t t0 = loop->now();
    for (int64_t i = 0; i < n; ++i) {
      auto *f = newNativeCoro<SpawnFrame>(&spawnResume, &spawnInfo);
      f->i = i;
      tasks[i] = wrt_obj(newTask(loop, &f->c, wrt_unbound()));
    }
    WValue g = gather(loop, n, tasks, false);
    WValue res = runUntilComplete(r[0], g);
    int64_t sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += asList(res)->items[i].i;
    int64_t elapsed = loop->now() - t0;
    if (sum != n * (n - 1) / 2) state.SkipWithError("bad sum");
    state.counters["ns_per_task"] = double(elapsed) / double(n);
    loopOf(r[0])->close();
    r[0] = r[1] = wrt_none();
  }
}
BENCHMARK(BM_Spawn)->Arg(1000000)->Iterations(1)->Repetitions(3)->Unit(benchmark::kMillisecond);

WEFT_NATIVE_CORO_INFO(yielderInfo, "yielder");

/// async def yielder(n): for _ in range(n): await asyncio.sleep(0)
struct YieldFrame {
  WCoro c;
  int64_t left;
};

WValue yieldResume(WCoro *frame, WValue v, int64_t mode) {
  auto *f = reinterpret_cast<YieldFrame *>(frame);
  for (;;) {
    if (frame->state == 0) {
      if (f->left-- == 0) {
        frame->state = -1;
        return wrt_none();
      }
      frame->state = 1;
      v = wrt_none();
    }
    WValue r = wrt_await_step(frame, wrt_obj(sleepZeroFrame()), v, mode);
    if (r.tag != WT_NONE) return r;
    frame->state = 0;
  }
}

/// Two tasks alternating through sleep(0): one hand-off = one task step.
void BM_SwitchSleep0(benchmark::State &state) {
  int64_t n = state.range(0);
  WValue *r = roots();
  for (auto _ : state) {
    r[0] = newLoopObj();
    EventLoop *loop = loopOf(r[0]);
    WValue ts[2];
    for (auto &t : ts) {
      auto *f = newNativeCoro<YieldFrame>(&yieldResume, &yielderInfo);
      f->left = n;
      t = wrt_obj(newTask(loop, &f->c, wrt_unbound()));
    }
    int64_t t0 = loop->now();
    runUntilComplete(r[0], gather(loop, 2, ts, false));
    state.counters["ns_per_switch"] = double(loop->now() - t0) / double(2 * n);
    loop->close();
    r[0] = wrt_none();
  }
}
BENCHMARK(BM_SwitchSleep0)->Arg(1000000)->Iterations(1)->Repetitions(3)->Unit(benchmark::kMillisecond);

WEFT_NATIVE_CORO_INFO(pingInfo, "ping");

/// Ping-pong through futures: each side sets the other's future and awaits
/// its own fresh one (what a channel/queue hand-off costs).
struct PingFrame {
  WCoro c;
  int64_t left;
  WValue *mine;   ///< slot holding this side's current future
  WValue *theirs;
};

WValue pingResume(WCoro *frame, WValue v, int64_t mode) {
  auto *f = reinterpret_cast<PingFrame *>(frame);
  EventLoop *loop = EventLoop::running();
  for (;;) {
    if (frame->state == 0) {
      // Wake the other side (also on the way out, so it can finish too).
      Future *other = asFuture(*f->theirs);
      if (!isDone(other)) futureSetResult(other, wrt_none());
      if (f->left-- == 0) {
        frame->state = -1;
        return wrt_none();
      }
      *f->mine = wrt_obj(newFuture(loop));
      frame->state = 1;
      v = wrt_none();
    }
    WValue r = wrt_await_step(frame, *f->mine, v, mode);
    if (r.tag != WT_NONE) return r;
    frame->state = 0;
  }
}

void BM_SwitchFuture(benchmark::State &state) {
  int64_t n = state.range(0);
  WValue *r = roots();
  for (auto _ : state) {
    r[0] = newLoopObj();
    EventLoop *loop = loopOf(r[0]);
    r[2] = wrt_obj(newFuture(loop));
    r[3] = wrt_obj(newFuture(loop));
    WValue ts[2];
    for (int side = 0; side < 2; ++side) {
      auto *f = newNativeCoro<PingFrame>(&pingResume, &pingInfo);
      f->left = n;
      f->mine = &r[2 + side];
      f->theirs = &r[3 - side];
      ts[side] = wrt_obj(newTask(loop, &f->c, wrt_unbound()));
    }
    int64_t t0 = loop->now();
    runUntilComplete(r[0], gather(loop, 2, ts, false));
    state.counters["ns_per_switch"] = double(loop->now() - t0) / double(2 * n);
    loop->close();
    r[0] = wrt_none();
  }
}
BENCHMARK(BM_SwitchFuture)->Arg(1000000)->Iterations(1)->Repetitions(3)->Unit(benchmark::kMillisecond);

WEFT_NATIVE_CORO_INFO(sleeperInfo, "sleeper");

/// async def sleeper(): await asyncio.sleep(1)
struct SleeperFrame {
  WCoro c;
  WValue sleep;
};

WValue sleeperResume(WCoro *frame, WValue v, int64_t mode) {
  auto *f = reinterpret_cast<SleeperFrame *>(frame);
  if (frame->state == 0) {
    f->sleep = sleepCoro(1.0, wrt_none());
    frame->state = 1;
  }
  WValue r = wrt_await_step(frame, f->sleep, v, mode);
  if (r.tag != WT_SUSPEND) frame->state = -1;
  return r;
}

/// Bytes of GC heap per task suspended in sleep(1): task + frames + future
/// + timer handle + gather bookkeeping (measured after one iteration, so
/// every task is parked on its timer).
void BM_SleepingTaskMemory(benchmark::State &state) {
  int64_t n = state.range(0);
  WValue *r = roots();
  for (auto _ : state) {
    r[0] = newLoopObj();
    EventLoop *loop = loopOf(r[0]);
    GC_gcollect();
    size_t before = GC_get_heap_size() - GC_get_free_bytes();
    WValue *tasks = static_cast<WValue *>(gcAlloc(sizeof(WValue) * n));
    r[1] = wrt_obj(tasks);
    for (int64_t i = 0; i < n; ++i) {
      auto *f = newNativeCoro<SleeperFrame>(&sleeperResume, &sleeperInfo);
      tasks[i] = wrt_obj(newTask(loop, &f->c, wrt_unbound()));
    }
    r[2] = gather(loop, n, tasks, false);
    loop->runOnce();
    GC_gcollect();
    size_t after = GC_get_heap_size() - GC_get_free_bytes();
    state.counters["bytes_per_task"] = double(after - before) / double(n);
    int64_t t0 = loop->now();
    runUntilComplete(r[0], r[2]);
    state.counters["gather_wall_s"] = double(loop->now() - t0) * 1e-9;
    loop->close();
    r[0] = r[1] = r[2] = wrt_none();
  }
}
BENCHMARK(BM_SleepingTaskMemory)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
