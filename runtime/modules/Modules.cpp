// Modules.cpp: registers the native modules implemented in this folder with
// rt-core's registry (wrt_import runs each init on first import). `asyncio`
// and `dataclasses` are registered by their owners.
#include "core/Text.h"

namespace weft::rt {

void initMathModule();
void initRandomModule();
void initTimeModule();
void initSysModule();
void initOsModule();
void initTypingModule();
void initDatetimeModule();
void initFunctoolsModule();
void initJsonModule();
void initSignalModule();
void initStructModule();
void initBase64Module();
void initEnumModule();
void initHashlibModule();
void initSocketModule();
void initContextvarsModule();
void initThreadModule();
void initExecModule();  // runtime/exec: concurrent.futures

void initNativeModules() {
  initMathModule();
  initRandomModule();
  initTimeModule();
  initSysModule();
  initOsModule();
  initTypingModule();
  initDatetimeModule();
  initFunctoolsModule();
  initJsonModule();
  initSignalModule();
  initStructModule();
  initBase64Module();
  initEnumModule();
  initHashlibModule();
  initSocketModule();
  initContextvarsModule();
  initThreadModule();
  initExecModule();
}

} // namespace weft::rt
