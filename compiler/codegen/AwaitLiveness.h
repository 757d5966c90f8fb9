// AwaitLiveness.h: which slots of a resume function live in its frame.
// Codegen first emits a generator's or coroutine's body with every slot as
// an alloca. This pass computes slot liveness over the resume function's
// control-flow graph, with each suspension given a virtual edge to the block
// that resumes it, and lays out the frame: a slot gets a frame field only
// when it is live on entry to a resume block (or is a parameter live at the
// first step); slots never live at the same time share one field. The rest
// stay allocas, which LLVM promotes to registers.
#ifndef WEFT_CODEGEN_AWAITLIVENESS_H
#define WEFT_CODEGEN_AWAITLIVENESS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/IR/BasicBlock.h"
#include "llvm/IR/Instructions.h"

#include <vector>

namespace weft {

/// A suspension: [suspend] ends by returning WT_SUSPEND, and the frame
/// continues at [resume] when it is stepped again.
struct SuspendEdge {
  llvm::BasicBlock *suspend;
  llvm::BasicBlock *resume;
};

struct FrameLayout {
  /// For each slot, its field in the frame struct (1-based: field 0 is the
  /// WCoro header), or 0 when the slot stays on the stack.
  std::vector<unsigned> fieldOf;
  /// The type of each field after the header, in order.
  std::vector<llvm::Type *> fieldTypes;
};

/// Lays out the frame of [resume]. [slots] are its candidate allocas (all in
/// the entry block); [pinned] marks parameters, which the frame creator
/// stores before the first step and which therefore never share a field.
/// [fresh] is the block the first step starts in. The entry block's state
/// switch is not followed: a resumption is modelled by [edges] instead.
FrameLayout layOutFrame(llvm::Function &resume, llvm::ArrayRef<llvm::AllocaInst *> slots,
                        llvm::ArrayRef<bool> pinned, llvm::ArrayRef<SuspendEdge> edges,
                        llvm::BasicBlock *fresh);

} // namespace weft

#endif
