// main.cpp: entry point of the `weft` driver.
#include "driver/Driver.h"

#include "llvm/Support/InitLLVM.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  weft::DriverOptions opts;
  int exitCode = 0;
  if (!weft::parseCommandLine(argc, argv, opts, exitCode))
    return exitCode;
  return weft::runDriver(opts, argv[0]);
}
