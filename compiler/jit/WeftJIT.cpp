// WeftJIT.cpp: LLJIT set-up. Symbols the JIT code does not define are looked
// up in the weft process (dlsym over the executable, which exports the whole
// runtime). A JITLink plug-in hands every writable block of each linked
// object to GC_add_roots before the code runs, so a GC pointer kept only in
// a JIT global (a cached constant, say) is never collected under it.
#include "jit/WeftJIT.h"

#include "llvm/ExecutionEngine/JITLink/JITLink.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"

#include <gc.h>

namespace weft {

namespace {

using namespace llvm;
using namespace llvm::orc;

/// Registers the writable sections of each object as collector roots. The
/// roots are never removed: JIT code is never freed while the process runs.
class GCRootsPlugin : public ObjectLinkingLayer::Plugin {
public:
  void modifyPassConfig(MaterializationResponsibility &, jitlink::LinkGraph &,
                        jitlink::PassConfiguration &config) override {
    config.PostFixupPasses.push_back([](jitlink::LinkGraph &g) -> Error {
      for (jitlink::Section &s : g.sections()) {
        if ((s.getMemProt() & MemProt::Write) == MemProt::None)
          continue;
        for (jitlink::Block *b : s.blocks()) {
          if (b->getSize() < sizeof(void *))
            continue;
          char *start = b->getAddress().toPtr<char *>();
          GC_add_roots(start, start + b->getSize());
        }
      }
      return Error::success();
    });
  }
  Error notifyFailed(MaterializationResponsibility &) override { return Error::success(); }
  Error notifyRemovingResources(JITDylib &, ResourceKey) override { return Error::success(); }
  void notifyTransferringResources(JITDylib &, ResourceKey, ResourceKey) override {}
};

} // namespace

std::unique_ptr<WeftJIT> WeftJIT::create(std::string &error) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  auto built = LLJITBuilder()
                   .setObjectLinkingLayerCreator([](ExecutionSession &es, const Triple &) {
                     auto layer = std::make_unique<ObjectLinkingLayer>(es);
                     layer->addPlugin(std::make_unique<GCRootsPlugin>());
                     return layer;
                   })
                   .create();
  if (!built) {
    error = toString(built.takeError());
    return nullptr;
  }
  auto self = std::unique_ptr<WeftJIT>(new WeftJIT());
  self->jit = std::move(*built);
  auto gen = DynamicLibrarySearchGenerator::GetForCurrentProcess(self->jit->getDataLayout().getGlobalPrefix());
  if (!gen) {
    error = toString(gen.takeError());
    return nullptr;
  }
  self->jit->getMainJITDylib().addGenerator(std::move(*gen));
  return self;
}

bool WeftJIT::addModule(ThreadSafeModule tsm, std::string &error) {
  ResourceTrackerSP tracker = jit->getMainJITDylib().createResourceTracker();
  trackers.push_back(tracker);
  if (Error e = jit->addIRModule(tracker, std::move(tsm))) {
    error = toString(std::move(e));
    return false;
  }
  return true;
}

bool WeftJIT::addObjectFile(const std::string &path, std::string &error) {
  auto buf = MemoryBuffer::getFile(path);
  if (!buf) {
    error = "cannot read '" + path + "': " + buf.getError().message();
    return false;
  }
  ResourceTrackerSP tracker = jit->getMainJITDylib().createResourceTracker();
  trackers.push_back(tracker);
  if (Error e = jit->addObjectFile(tracker, std::move(*buf))) {
    error = toString(std::move(e));
    return false;
  }
  return true;
}

void *WeftJIT::lookup(const std::string &name, std::string &error) {
  auto addr = jit->lookup(name);
  if (!addr) {
    error = toString(addr.takeError());
    return nullptr;
  }
  return addr->toPtr<void *>();
}

} // namespace weft
