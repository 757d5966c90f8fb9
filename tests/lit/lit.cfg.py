# lit configuration for Weft: every test is a .weft (or .py) file whose
# RUN lines drive build/bin/weft; CPython is the oracle for program output.
# CMake fills in lit.site.cfg.py (build/tests/lit) and loads this file from it;
# run from the source tree instead (lit tests/lit/run/foo.weft), this file
# falls back to the build directory $WEFT_BUILD_DIR, else build/.
#
# Substitutions:
#   %weft     the driver, under `timeout` ($WEFT_LIT_CMD_TIMEOUT s, default 120)
#             so a hanging compile fails its test instead of stalling lit;
#             `timeout` passes a crash signal on, so `not %weft` still fails
#             on a crash
#   %python   CPython 3.11, the oracle
#   %compare  Inputs/compare.py: `%compare %s %t` runs the program under
#             CPython and the executable %t and compares stdout, exit status
#             and (when non-zero) the last stderr line
#   %status   Inputs/run_status.py: `%status %t` runs %t, then prints
#             "exit N" (or "signal NAME") after its stdout, for FileCheck
#   %examples the examples/ folder of the source tree
import os
import subprocess
import sys

import lit.formats

config.name = "weft"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".weft", ".py"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))

if not hasattr(config, "weft_obj_root"):
    # Loaded straight from the source tree, without CMake's site config.
    src_root = os.path.dirname(os.path.dirname(config.test_source_root))
    build = os.environ.get("WEFT_BUILD_DIR", "build")
    config.weft_src_root = src_root
    config.weft_obj_root = build if os.path.isabs(build) else os.path.join(src_root, build)
    config.weft_bin = os.path.join(config.weft_obj_root, "bin", "weft")
    config.python = sys.executable
    config.llvm_tools_dir = "/usr/lib/llvm-19/bin"
config.test_exec_root = os.path.join(config.weft_obj_root, "tests", "lit")


def real_python(python):
    """Resolves wrappers such as pyenv shims, which need the user's environment
    (lit runs tests with a reduced one), to the interpreter itself."""
    try:
        out = subprocess.run([python, "-c", "import sys; print(sys.executable)"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, timeout=30)
        exe = out.stdout.strip()
        return exe if out.returncode == 0 and os.path.isabs(exe) else python
    except (OSError, subprocess.TimeoutExpired):
        return python


config.python = real_python(config.python)
if not os.path.exists(config.weft_bin):
    lit_config.warning(f"{config.weft_bin} does not exist: build the compiler first")

cmd_timeout = os.environ.get("WEFT_LIT_CMD_TIMEOUT", "120")
compare = os.path.join(config.test_source_root, "Inputs", "compare.py")
status = os.path.join(config.test_source_root, "Inputs", "run_status.py")
config.substitutions.append(("%weft", f"timeout {cmd_timeout} {config.weft_bin}"))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%compare", f"{config.python} {compare}"))
config.substitutions.append(("%status", f"{config.python} {status}"))
config.substitutions.append(("%examples", os.path.join(config.weft_src_root, "examples")))

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
# Programs print UTF-8 whatever the locale of the machine running lit.
config.environment["PYTHONIOENCODING"] = "utf-8"
config.environment["LC_ALL"] = "C.UTF-8"
for var in ("HOME", "TMPDIR", "WEFT_TEST_TIMEOUT", "WEFT_PREFIX_BUDGET", "ASAN_OPTIONS", "UBSAN_OPTIONS"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

# Tests that hold thousands of sockets need the descriptor limit raisable
# that far; elsewhere lit reports them UNSUPPORTED, naming this feature.
import resource

_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _hard == resource.RLIM_INFINITY or _hard >= 10300:
    config.available_features.add("nofile-10k")
