// AwaitLiveness.cpp: slot liveness across suspensions, and the frame layout
// it allows (see AwaitLiveness.h). It runs on the resume function's CFG as
// codegen emitted it, before any slot has become a frame field.
//
// Each access to a slot is a use (a load), a def (a store of a whole value)
// or both (anything else: a call given the slot's address, an access through
// a derived pointer). Backward dataflow gives the slots live on entry to
// each block. A suspension returns from the function, so the CFG has no
// edge from it to where the frame continues; the pass adds that edge, and
// ignores the entry block's state switch, so "live on entry to a resume
// block" is exactly "holds a value across that suspension".
#include "codegen/AwaitLiveness.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Function.h"

namespace weft {

namespace {

enum class Access { Use, Def, UseDef };

struct SlotAccess {
  unsigned slot;
  Access kind;
};

/// Above these sizes the pass gives up on precision rather than on time or
/// memory: every slot keeps its own field, as if live everywhere.
constexpr size_t kMaxLivenessBits = size_t(1) << 28; // blocks x slots
constexpr size_t kMaxSharedSlots = 4096;             // interference matrix side

class Liveness {
public:
  Liveness(llvm::Function &fn, llvm::ArrayRef<llvm::AllocaInst *> slots,
           llvm::ArrayRef<SuspendEdge> edges)
      : fn(fn), n(slots.size()), escaped(slots.size()) {
    for (unsigned i = 0; i < slots.size(); ++i)
      collect(slots[i], i);
    unsigned index = 0;
    for (llvm::BasicBlock &bb : fn)
      blockIndex[&bb] = index++;
    succs.resize(index);
    for (llvm::BasicBlock &bb : fn) {
      if (&bb == &fn.getEntryBlock())
        continue; // the state switch: resumptions come through [edges]
      for (llvm::BasicBlock *s : llvm::successors(&bb))
        succs[blockIndex[&bb]].push_back(blockIndex[s]);
    }
    for (const SuspendEdge &e : edges)
      succs[blockIndex[e.suspend]].push_back(blockIndex[e.resume]);
  }

  bool tooLarge() const { return blockIndex.size() * n > kMaxLivenessBits; }

  void solve() {
    size_t nb = blockIndex.size();
    std::vector<llvm::BasicBlock *> order(nb);
    for (auto &[bb, i] : blockIndex)
      order[i] = bb;
    gen.assign(nb, llvm::BitVector(n));
    kill.assign(nb, llvm::BitVector(n));
    liveIn.assign(nb, llvm::BitVector(n));
    liveOut.assign(nb, llvm::BitVector(n));
    for (size_t b = 0; b < nb; ++b)
      for (llvm::Instruction &inst : *order[b])
        for (const SlotAccess &a : accessesOf(&inst)) {
          if (a.kind != Access::Def && !kill[b][a.slot])
            gen[b].set(a.slot);
          if (a.kind == Access::Def)
            kill[b].set(a.slot);
        }
    // A worklist: a block is revisited only when a successor's live-in set
    // grew, so a long straight-line coroutine costs one pass, not one per
    // await.
    std::vector<std::vector<unsigned>> preds(nb);
    for (size_t b = 0; b < nb; ++b)
      for (unsigned s : succs[b])
        preds[s].push_back(static_cast<unsigned>(b));
    std::vector<unsigned> work;
    std::vector<bool> queued(nb, true);
    for (size_t b = 0; b < nb; ++b)
      work.push_back(static_cast<unsigned>(b)); // popped last-first: backwards
    llvm::BitVector in(n);
    while (!work.empty()) {
      unsigned b = work.back();
      work.pop_back();
      queued[b] = false;
      llvm::BitVector &out = liveOut[b];
      out.reset();
      for (unsigned s : succs[b])
        out |= liveIn[s];
      in = out;
      in.reset(kill[b]);
      in |= gen[b];
      if (in == liveIn[b])
        continue;
      liveIn[b] = in;
      for (unsigned p : preds[b])
        if (!queued[p]) {
          queued[p] = true;
          work.push_back(p);
        }
    }
  }

  const llvm::BitVector &liveInOf(llvm::BasicBlock *bb) { return liveIn[blockIndex[bb]]; }

  /// Calls [onDefs](defined slots, live slots after the instruction) for
  /// every instruction that defines a slot, walking each block backwards.
  template <typename F> void forEachDef(F onDefs) {
    for (llvm::BasicBlock &bb : fn) {
      llvm::BitVector live = liveOut[blockIndex[&bb]];
      for (llvm::Instruction &inst : llvm::reverse(bb)) {
        const std::vector<SlotAccess> &acc = accessesOf(&inst);
        if (acc.empty())
          continue;
        std::vector<unsigned> defs;
        for (const SlotAccess &a : acc)
          if (a.kind != Access::Use)
            defs.push_back(a.slot);
        if (!defs.empty())
          onDefs(defs, live);
        for (const SlotAccess &a : acc)
          if (a.kind == Access::Def)
            live.reset(a.slot);
        for (const SlotAccess &a : acc)
          if (a.kind != Access::Def)
            live.set(a.slot);
      }
    }
  }

  llvm::Function &fn;
  size_t n;
  /// Slots whose address is stored or converted to an integer: the pass
  /// cannot follow them, so they keep a field of their own.
  llvm::BitVector escaped;

private:
  const std::vector<SlotAccess> &accessesOf(llvm::Instruction *inst) {
    static const std::vector<SlotAccess> none;
    auto it = accesses.find(inst);
    return it == accesses.end() ? none : it->second;
  }

  /// Records every access to slot [i] through [ptr] (the alloca or a
  /// pointer derived from it).
  void collect(llvm::Value *ptr, unsigned i, bool derived = false) {
    for (llvm::User *u : ptr->users()) {
      auto *inst = llvm::dyn_cast<llvm::Instruction>(u);
      if (!inst)
        continue;
      if (auto *ld = llvm::dyn_cast<llvm::LoadInst>(inst); ld && ld->getPointerOperand() == ptr) {
        accesses[inst].push_back({i, derived ? Access::UseDef : Access::Use});
        continue;
      }
      if (auto *st = llvm::dyn_cast<llvm::StoreInst>(inst)) {
        if (st->getValueOperand() == ptr) {
          escaped.set(i);
          accesses[inst].push_back({i, Access::UseDef});
        } else {
          // A store through a derived pointer writes part of the slot only.
          accesses[inst].push_back({i, derived ? Access::UseDef : Access::Def});
        }
        continue;
      }
      accesses[inst].push_back({i, Access::UseDef});
      if (llvm::isa<llvm::PtrToIntInst>(inst))
        escaped.set(i);
      if (llvm::isa<llvm::GetElementPtrInst, llvm::BitCastInst, llvm::PHINode, llvm::SelectInst>(inst))
        collect(inst, i, true);
    }
  }

  llvm::DenseMap<llvm::Instruction *, std::vector<SlotAccess>> accesses;
  llvm::DenseMap<llvm::BasicBlock *, unsigned> blockIndex;
  std::vector<std::vector<unsigned>> succs;
  std::vector<llvm::BitVector> gen, kill, liveIn, liveOut;
};

} // namespace

FrameLayout layOutFrame(llvm::Function &resume, llvm::ArrayRef<llvm::AllocaInst *> slots,
                        llvm::ArrayRef<bool> pinned, llvm::ArrayRef<SuspendEdge> edges,
                        llvm::BasicBlock *fresh) {
  FrameLayout layout;
  size_t n = slots.size();
  layout.fieldOf.assign(n, 0);
  auto newField = [&](unsigned slot) {
    layout.fieldTypes.push_back(slots[slot]->getAllocatedType());
    layout.fieldOf[slot] = static_cast<unsigned>(layout.fieldTypes.size());
  };

  Liveness live(resume, slots, edges);
  if (live.tooLarge()) {
    for (unsigned i = 0; i < n; ++i)
      newField(i);
    return layout;
  }
  live.solve();

  // A slot needs the frame when a resumption can read what it held.
  llvm::BitVector needed = live.escaped;
  for (const SuspendEdge &e : edges)
    needed |= live.liveInOf(e.resume);
  for (unsigned i = 0; i < n; ++i)
    if (pinned[i] && live.liveInOf(fresh)[i])
      needed.set(i);

  // Parameters and escaped slots get fields of their own; the others are
  // coloured greedily by interference (one is written while the other is
  // live), in creation order so the layout is deterministic.
  std::vector<unsigned> shareable;
  std::vector<int> compact(n, -1);
  for (unsigned i = 0; i < n; ++i) {
    if (!needed[i])
      continue;
    if (pinned[i] || live.escaped[i]) {
      newField(i);
    } else {
      compact[i] = static_cast<int>(shareable.size());
      shareable.push_back(i);
    }
  }
  if (shareable.size() > kMaxSharedSlots) {
    for (unsigned i : shareable)
      newField(i);
    return layout;
  }
  size_t m = shareable.size();
  std::vector<llvm::BitVector> interferes(m, llvm::BitVector(m));
  live.forEachDef([&](const std::vector<unsigned> &defs, const llvm::BitVector &liveAfter) {
    for (unsigned d : defs) {
      if (compact[d] < 0)
        continue;
      unsigned a = compact[d];
      for (unsigned s : liveAfter.set_bits())
        if (compact[s] >= 0 && s != d) {
          interferes[a].set(compact[s]);
          interferes[compact[s]].set(a);
        }
      // Slots written by the same instruction must not alias each other.
      for (unsigned other : defs)
        if (compact[other] >= 0 && other != d) {
          interferes[a].set(compact[other]);
          interferes[compact[other]].set(a);
        }
    }
  });
  struct SharedField {
    unsigned field;
    llvm::BitVector members;
  };
  std::vector<SharedField> shared;
  for (unsigned a = 0; a < m; ++a) {
    unsigned slot = shareable[a];
    llvm::Type *type = slots[slot]->getAllocatedType();
    SharedField *home = nullptr;
    for (SharedField &f : shared)
      if (layout.fieldTypes[f.field - 1] == type && !interferes[a].anyCommon(f.members)) {
        home = &f;
        break;
      }
    if (!home) {
      newField(slot);
      shared.push_back({layout.fieldOf[slot], llvm::BitVector(m)});
      home = &shared.back();
    }
    layout.fieldOf[slot] = home->field;
    home->members.set(a);
  }
  return layout;
}

} // namespace weft
