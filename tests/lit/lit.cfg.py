# lit configuration for Weft: every test is a .weft (or .py) file whose
# RUN lines drive build/bin/weft; CPython is the oracle for program output.
import os
import lit.formats

config.name = "weft"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".weft", ".py"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.weft_obj_root, "tests", "lit")

config.substitutions.append(("%weft", config.weft_bin))
config.substitutions.append(("%python", config.python))
config.environment["PATH"] = os.pathsep.join([config.llvm_tools_dir, config.environment.get("PATH", "")])
