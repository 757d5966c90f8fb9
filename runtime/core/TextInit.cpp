// TextInit.cpp: initText(), the one entry point rt-core's initRuntime()
// calls for everything the text/builtins side defines: str and bytes
// methods, print/input and the std streams, the builtin functions and type
// constructors, and the native modules (math, random, time, sys, os,
// typing, datetime). Order matters only in that builtins come after the
// methods they may look up.
#include "core/Text.h"

namespace weft::rt {

void initStrMethods1();
void initStrMethods2();
void initBytesMethods();
void initPrint();
void initBuiltins();
void initNativeModules();
void initNumberMethods();

void initText() {
  initStrMethods1();
  initStrMethods2();
  initBytesMethods();
  initNumberMethods();
  initPrint();
  initBuiltins();
  initNativeModules();
}

} // namespace weft::rt
