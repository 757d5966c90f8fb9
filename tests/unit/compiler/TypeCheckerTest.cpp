// TypeCheckerTest.cpp: unit tests for sema/TypeChecker and the async lints.
// The property that matters most comes first: every valid conformance program
// type-checks with no error, every reject program gets an error naming what
// its `# expect-error:` lines say, and every lint program gets its warnings.
// Focused cases then pin down narrowing, widening, generic instantiation,
// gather typing, fields through inheritance and CPython's call messages.
#include "parse/Parser.h"
#include "sema/AsyncLints.h"
#include "sema/NameResolver.h"
#include "sema/TypeChecker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace weft;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Runs the front end, the name resolver, the type checker and the lints on one source.
struct Checked {
  std::ostringstream out;
  SourceManager sm;
  DiagnosticEngine diags{sm, out};
  ASTContext ctx;
  ScopeArena arena;
  bool parsed = false;

  explicit Checked(const std::string &src, const std::string &path = "t.weft") {
    FileID f = sm.add(path, src);
    Module *m = parseModule(sm, f, ctx, diags, "__main__");
    if (!m || diags.hasErrors())
      return;
    parsed = true;
    resolveNames(*m, ctx, arena, diags);
    checkTypes(*m, diags);
    runAsyncLints(*m, diags);
  }

  std::string text() const { return out.str(); }
  unsigned errors() const { return diags.errors(); }

  bool hasDiag(Severity sev, const std::string &needle) const {
    for (const Diagnostic &d : diags.all())
      if (d.severity == sev && lower(d.message).find(lower(needle)) != std::string::npos)
        return true;
    return false;
  }
};

std::filesystem::path conformanceRoot() {
  if (const char *env = std::getenv("WEFT_CONFORMANCE"))
    return env;
  return "/work/shared/conformance";
}

std::vector<std::filesystem::path> filesIn(const std::string &dir) {
  std::vector<std::filesystem::path> files;
  std::filesystem::path p = conformanceRoot() / dir;
  if (!std::filesystem::is_directory(p))
    return files;
  for (auto &e : std::filesystem::directory_iterator(p))
    if (e.path().extension() == ".weft")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string readFile(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The texts of every `# <tag>: TEXT` line of [src].
std::vector<std::string> expectations(const std::string &src, const std::string &tag) {
  std::vector<std::string> out;
  std::istringstream in(src);
  std::string line, prefix = "# " + tag + ":";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) {
      std::string t = line.substr(prefix.size());
      t.erase(0, t.find_first_not_of(' '));
      out.push_back(t);
    }
  return out;
}

void expectClean(const std::string &src) {
  Checked c(src);
  ASSERT_TRUE(c.parsed) << c.text();
  EXPECT_EQ(c.errors(), 0u) << src << "\n---\n" << c.text();
}

void expectError(const std::string &src, const std::string &needle) {
  Checked c(src);
  ASSERT_TRUE(c.parsed) << c.text();
  EXPECT_TRUE(c.hasDiag(Severity::Error, needle)) << "wanted an error with '" << needle << "' for:\n"
                                                   << src << "\n---\n" << c.text();
}

void expectWarning(const std::string &src, const std::string &needle) {
  Checked c(src);
  ASSERT_TRUE(c.parsed) << c.text();
  EXPECT_EQ(c.errors(), 0u) << c.text();
  EXPECT_TRUE(c.hasDiag(Severity::Warning, needle)) << "wanted a warning with '" << needle << "' for:\n"
                                                     << src << "\n---\n" << c.text();
}

void expectNoWarning(const std::string &src) {
  Checked c(src);
  ASSERT_TRUE(c.parsed) << c.text();
  EXPECT_EQ(c.diags.warnings() + c.errors(), 0u) << src << "\n---\n" << c.text();
}

} // namespace

// ---------------------------------------------------------------- conformance

TEST(TypeCheckerConformance, ValidProgramsHaveNoErrors) {
  auto files = filesIn("cases");
  auto lints = filesIn("lint");
  files.insert(files.end(), lints.begin(), lints.end());
  if (files.empty())
    GTEST_SKIP() << "no conformance suite here";
  for (auto &f : files) {
    Checked c(readFile(f), f.string());
    ASSERT_TRUE(c.parsed) << f << "\n" << c.text();
    EXPECT_EQ(c.errors(), 0u) << f << "\n" << c.text();
  }
}

TEST(TypeCheckerConformance, RejectProgramsGetTheExpectedErrors) {
  auto files = filesIn("reject");
  if (files.empty())
    GTEST_SKIP() << "no conformance suite here";
  for (auto &f : files) {
    std::string src = readFile(f);
    Checked c(src, f.string());
    ASSERT_TRUE(c.parsed) << f << "\n" << c.text();
    EXPECT_GT(c.errors(), 0u) << f;
    for (const std::string &want : expectations(src, "expect-error"))
      EXPECT_NE(lower(c.text()).find(lower(want)), std::string::npos) << f << " lacks '" << want << "':\n"
                                                                      << c.text();
  }
}

TEST(TypeCheckerConformance, LintProgramsGetTheExpectedWarnings) {
  auto files = filesIn("lint");
  if (files.empty())
    GTEST_SKIP() << "no conformance suite here";
  for (auto &f : files) {
    std::string src = readFile(f);
    Checked c(src, f.string());
    ASSERT_TRUE(c.parsed) << f;
    EXPECT_EQ(c.errors(), 0u) << f << "\n" << c.text();
    for (const std::string &want : expectations(src, "expect-warning"))
      EXPECT_NE(lower(c.text()).find(lower(want)), std::string::npos) << f << " lacks '" << want << "':\n"
                                                                      << c.text();
  }
}

// ---------------------------------------------------------------- assignment and widening

TEST(TypeChecker, ReassigningAnotherTypeNamesTheVariable) {
  expectError("count = 0\ncount = 'done'\n", "cannot assign 'str' to 'count' of type 'int'");
  expectError("def f() -> None:\n    xs = [1]\n    xs = ['a']\n", "'xs'");
}

TEST(TypeChecker, WideningIsAllowed) {
  expectClean("x = 1\nx = 2.5\nprint(x)\n");
  expectClean("best = None\nfor i in range(3):\n    best = i\nprint(best)\n");
  expectClean("acc: list[float] = [1, 2]\nacc.append(3)\nprint(acc)\n");
  expectClean("items = []\nitems.append('a')\nprint(items[0].upper())\n");
  expectClean("d = {}\nd['k'] = [1]\nd['k'].append(2)\nprint(d)\n");
  expectClean("v: object = 1\nv = 'x'\nprint(v)\n");
  expectClean("e = ValueError('a')\ne = KeyError('b')\nprint(e)\n");
}

TEST(TypeChecker, ContainerStoresAreChecked) {
  expectError("xs: list[int] = []\nxs.append('a')\n", "str");
  expectError("d: dict[str, int] = {}\nd['a'] = 'b'\n", "str");
  expectError("s = {1, 2}\ns.add('x')\n", "str");
}

// ---------------------------------------------------------------- narrowing

TEST(TypeChecker, NarrowingByNoneChecks) {
  expectClean("def f(x: int | None) -> int:\n    if x is None:\n        return 0\n    return x + 1\n");
  expectClean("def f(x: int | None) -> int:\n    if x is not None:\n        return x + 1\n    return 0\n");
  expectClean("def f(x: int | None = None) -> int:\n    if x is None:\n        x = 5\n    return x * 2\n");
  expectClean("def f(x: str | None) -> str:\n    return x.upper() if x else ''\n");
  expectClean("def f(x: str | None) -> int:\n    assert x is not None\n    return len(x.strip())\n");
  expectClean("def f(a: int | None, b: int | None) -> int:\n    if a is None or b is None:\n"
              "        return 0\n    return a + b\n");
  expectClean("def f(x: int | None) -> int:\n    while x is None:\n        x = 1\n    return x + 1\n");
}

TEST(TypeChecker, UnnarrowedOptionalIsAnError) {
  expectError("def f(x: int | None) -> int:\n    return x + 1\n", "None");
  expectError("def f(s: str | None) -> str:\n    return s.upper()\n", "None");
}

TEST(TypeChecker, IsinstanceNarrowsUnionsAndObjects) {
  expectClean("def f(v: object) -> int:\n    if isinstance(v, int):\n        return v + 1\n"
              "    elif isinstance(v, str):\n        return len(v.upper())\n    return 0\n");
  expectClean("def f(v: int | str) -> int:\n    if isinstance(v, str):\n        return len(v)\n"
              "    return v + 1\n");
}

// ---------------------------------------------------------------- generics and calls

TEST(TypeChecker, GenericFunctionsAreInstantiatedPerCall) {
  expectClean("def ident(x):\n    return x\nprint(ident(1) + 1, ident('a') + 'b')\n");
  expectError("def ident(x):\n    return x\nprint(ident('a') + 1)\n", "'str' and 'int'");
  expectClean("def pair(a, b):\n    return (a, b)\nx, y = pair(1, 'z')\nprint(x + 1, y.upper())\n");
}

TEST(TypeChecker, CallsBindLikeCPython) {
  const char *area = "def area(w: int, h: int) -> int:\n    return w * h\n";
  expectError(std::string(area) + "area(1, 2, 3)\n", "area() takes 2 positional arguments but 3 were given");
  expectError(std::string(area) + "area(1)\n", "area() missing 1 required positional argument: 'h'");
  expectError(std::string(area) + "area(1, d=2)\n", "area() got an unexpected keyword argument 'd'");
  expectError(std::string(area) + "area('1', 2)\n", "argument 1 to 'area' has incompatible type 'str'");
  expectClean(std::string(area) + "print(area(h=1, w=2), area(*[1, 2]))\n");
  expectError("class A:\n    def m(self, x: int) -> int:\n        return x\nA().m(1, 2)\n",
              "A.m() takes 2 positional arguments but 3 were given");
  expectError("class P:\n    def __init__(self, x: int):\n        self.x = x\nP()\n",
              "P.__init__() missing 1 required positional argument: 'x'");
}

TEST(TypeChecker, MissingReturnIsReportedOnlyWhenReachable) {
  expectError("def sign(n: int) -> int:\n    if n > 0:\n        return 1\n    elif n < 0:\n        return -1\n",
              "missing return statement: 'sign'");
  expectClean("def f(n: int) -> int:\n    while True:\n        if n > 3:\n            return n\n        n += 1\n");
  expectClean("def f(s: str) -> int:\n    try:\n        return int(s)\n    except ValueError:\n        return 0\n");
  expectClean("def f(k: str) -> int:\n    if k:\n        return 1\n    raise KeyError(k)\n");
  expectClean("def f(k: str) -> int | None:\n    if k:\n        return 1\n");
  expectClean("class A:\n    def area(self) -> float:\n        raise NotImplementedError\n");
}

TEST(TypeChecker, ReturnTypesAreChecked) {
  expectError("def f() -> int:\n    return 'a'\n", "return");
  expectClean("def f(n: int) -> float:\n    return n\n");
  expectClean("def f() -> str | None:\n    return None\n");
}

// ---------------------------------------------------------------- classes

TEST(TypeChecker, FieldsAreFoundThroughInheritance) {
  const char *classes = "class A:\n    def __init__(self):\n        self.x = 1\n"
                        "class B(A):\n    def __init__(self):\n        super().__init__()\n"
                        "        self.y = 'b'\n";
  expectClean(std::string(classes) + "b = B()\nprint(b.x + 1, b.y.upper())\n");
  expectError(std::string(classes) + "print(B().z)\n", "'B' object has no attribute 'z'");
  expectError(std::string(classes) + "B().x = 'no'\n", "attribute 'x'");
  expectClean("class E(Exception):\n    pass\ntry:\n    raise E('x')\nexcept E as e:\n    print(e.args, e.whatever)\n");
  expectClean("class C:\n    pass\nc = C()\nc.added = 1\nprint(c.added)\n");
}

// ---------------------------------------------------------------- asyncio

TEST(TypeChecker, GatherResultsAreTypedPerArgument) {
  const char *defs = "import asyncio\nasync def n() -> int:\n    return 1\n"
                     "async def s() -> str:\n    return 'a'\n";
  expectClean(std::string(defs) + "async def main() -> None:\n    a, b = await asyncio.gather(n(), s())\n"
                                  "    print(a + 1, b.upper())\n");
  expectError(std::string(defs) + "async def main() -> None:\n    a, b = await asyncio.gather(n(), s())\n"
                                  "    print(b + 1)\n",
              "'str' and 'int'");
  expectError(std::string(defs) + "async def main() -> None:\n"
                                  "    r = await asyncio.gather(n(), n(), return_exceptions=True)\n"
                                  "    print(r[1] * 2)\n",
              "BaseException");
  expectClean(std::string(defs) + "async def main() -> None:\n"
                                  "    r = await asyncio.gather(n(), n(), return_exceptions=True)\n"
                                  "    for x in r:\n        if not isinstance(x, BaseException):\n"
                                  "            print(x * 2)\n");
}

TEST(TypeChecker, ExceptionResultsNarrowWithExceptionToo) {
  expectClean("import asyncio\nasync def n() -> int:\n    return 1\nasync def main() -> None:\n"
              "    r = await asyncio.gather(n(), n(), return_exceptions=True)\n    for x in r:\n"
              "        if isinstance(x, Exception):\n            print(x)\n        else:\n            print(x + 1)\n");
}

TEST(TypeChecker, CommonSlipsAreReported) {
  expectError("import asyncio\nasync def main() -> None:\n    pass\nasyncio.run(main)\n", "coroutine");
  expectError("import asyncio\nasync def f() -> str:\n    return 'a'\nasync def main() -> None:\n"
              "    print(f().upper())\n",
              "'upper'");
  expectError("a, b = (1, 2, 3)\n", "too many values to unpack (expected 2)");
  expectError("n = 5\nprint(n.upper())\n", "'int' object has no attribute 'upper'");
  expectError("print(len(5))\n", "has no len()");
  expectError("print('a' < 1)\n", "'<' not supported between instances of 'str' and 'int'");
  expectError("x = 3\nx()\n", "not callable");
  expectError("from typing import Optional\ndef f(s: str) -> Optional[str]:\n    return None\n"
              "print(f('a').upper())\n",
              "None");
}

TEST(TypeChecker, PathologicalProgramsStayFast) {
  // Generic instantiation on ever deeper tuples must not explode.
  std::string src = "def f0(a):\n    return a\n";
  for (int i = 1; i < 60; ++i)
    src += "def f" + std::to_string(i) + "(a):\n    return f" + std::to_string(i - 1) + "((a, a)) if a else f" +
           std::to_string(i - 1) + "(a)\n";
  src += "print(f59(1))\n";
  expectClean(src);
  std::string chain;
  for (int i = 0; i < 800; ++i)
    chain += "def g" + std::to_string(i) + "(a):\n    return g" + std::to_string(i + 1) + "(a) + 1\n";
  chain += "def g800(a):\n    return a\nprint(g0(1))\n";
  expectClean(chain);
}

TEST(TypeChecker, UnmodelledFeaturesStaySilent) {
  expectClean("def deco(fn):\n    def w(*a, **k):\n        return fn(*a, **k)\n    return w\n"
              "@deco\ndef add(a: int, b: int) -> int:\n    return a + b\nprint(add(1, 2, 3))\n");
  expectClean("class Base:\n    def speak(self) -> str:\n        return self.sound()\n"
              "class Dog(Base):\n    def sound(self) -> str:\n        return 'woof'\nprint(Dog().speak())\n");
  expectClean("import enum\nclass C(enum.Enum):\n    A = 'a'\nprint(C.A.value)\n");
  expectClean("report = {}\nreport['n'] = 1\nreport['s'] = 'x'\nprint(report)\n");
  expectClean("def gen(n):\n    for i in range(n):\n        yield i\nprint(sum(gen(3)), [x + 1 for x in gen(2)])\n");
  expectClean("r = range(1, 10, 2)\nprint(r.start, r.step, list(r)[0] + 1)\n");
  expectClean("d = {'a': 1}\nprint(d.keys() - {'b'}, sorted(d.keys()))\n");
}

TEST(TypeChecker, AwaitNeedsAnAwaitableInsideAsyncDef) {
  expectError("def f() -> int:\n    return 1\nasync def g() -> None:\n    await f()\n", "awaitable");
  expectError("import asyncio\ndef g() -> None:\n    await asyncio.sleep(0)\n", "await");
  expectClean("import asyncio\nasync def g() -> int:\n    t = asyncio.create_task(asyncio.sleep(0, result=3))\n"
              "    return await t + 1\n");
}

// ---------------------------------------------------------------- lints

TEST(AsyncLints, BlockingCalls) {
  expectWarning("import time\nasync def f() -> None:\n    time.sleep(1)\n", "'time.sleep' blocks the event loop");
  Checked hint("import time\nasync def f() -> None:\n    time.sleep(1)\n");
  EXPECT_TRUE(hint.hasDiag(Severity::Note, "'await asyncio.sleep(1)' or 'await asyncio.to_thread(time.sleep, 1)'"))
      << hint.text();
  expectWarning("from time import sleep\nasync def f() -> None:\n    sleep(1)\n", "time.sleep");
  expectWarning("async def f() -> None:\n    open('x')\n", "'open' blocks");
  expectNoWarning("import asyncio, time\nasync def f() -> None:\n    await asyncio.to_thread(time.sleep, 1)\n");
  expectNoWarning("import time\nasync def f() -> None:\n    def g() -> None:\n        time.sleep(1)\n"
                  "    print(g)\n");
  expectNoWarning("import time\ndef f() -> None:\n    time.sleep(1)\n");
}

TEST(AsyncLints, UnawaitedCoroutines) {
  expectWarning("async def s() -> None:\n    pass\nasync def m() -> None:\n    s()\n", "never awaited");
  expectWarning("class C:\n    async def a(self) -> None:\n        pass\n"
                "    async def b(self) -> None:\n        self.a()\n",
                "'self.a'");
  expectWarning("import asyncio\nasync def m() -> None:\n    asyncio.sleep(1)\n", "asyncio.sleep");
  expectNoWarning("import asyncio\nasync def s() -> None:\n    pass\nasync def m() -> None:\n"
                  "    await s()\n    t = asyncio.create_task(s())\n    await t\nasyncio.run(m())\n");
}

TEST(AsyncLints, SwallowedCancellation) {
  expectWarning("import asyncio\nasync def f() -> None:\n    try:\n        await asyncio.sleep(1)\n"
                "    except asyncio.CancelledError:\n        pass\n",
                "CancelledError");
  expectWarning("import asyncio\nasync def f() -> None:\n    try:\n        await asyncio.sleep(1)\n"
                "    except:\n        pass\n",
                "bare 'except'");
  expectNoWarning("import asyncio\nasync def f() -> None:\n    try:\n        await asyncio.sleep(1)\n"
                  "    except asyncio.CancelledError:\n        print('bye')\n        raise\n");
  expectNoWarning("import asyncio\nasync def f() -> None:\n    try:\n        await asyncio.sleep(1)\n"
                  "    except Exception:\n        pass\n");
  // Handling the cancellation of a task it awaits is the caller's right.
  expectNoWarning("import asyncio\nasync def f(t: asyncio.Task[None]) -> None:\n    t.cancel()\n    try:\n"
                  "        await t\n    except asyncio.CancelledError:\n        pass\n");
}
