"""Compares weft's --emit-ast dump of a file with CPython's ast of the same
file: positions (line:col, columns in code points) and load/store/del
context of names, attributes, subscripts, tuples, lists and starred items;
the operator nodes' positions; literal values; and the structure of every
f-string (literal text, conversions, nested format specs).

usage: compare_ast.py SOURCE DUMP    (exit 1 and a diff on mismatch)
"""
import ast
import difflib
import re
import sys

OPS = ("Name", "Attribute", "Call", "BinOp", "Compare", "BoolOp", "Lambda",
       "IfExp", "Subscript", "Tuple", "List", "Starred")


def cpython_facts(src):
    lines = src.split("\n")
    tree = ast.parse(src)

    def col(n):
        return len(lines[n.lineno - 1].encode()[:n.col_offset].decode()) + 1

    def fstring(j):
        parts = []
        for v in j.values:
            if isinstance(v, ast.Constant):
                parts.append("L" + repr(v.value))
            else:
                conv = chr(v.conversion) if v.conversion != -1 else ""
                spec = fstring(v.format_spec) if v.format_spec else ""
                parts.append(f"F[{conv}|{spec}]")
        return "(" + ",".join(parts) + ")"

    facts = []

    def walk(n, in_fstring):
        if isinstance(n, ast.JoinedStr):
            if not in_fstring:
                facts.append("fstring " + fstring(n))
            in_fstring = True
        elif not in_fstring:
            kind = type(n).__name__
            if kind in OPS:
                ctx = getattr(n, "ctx", None)
                name = f" '{n.id}'" if kind == "Name" else f" '{n.attr}'" if kind == "Attribute" else ""
                c = f" {type(ctx).__name__}" if ctx is not None and kind not in ("Subscript",) else ""
                if kind == "Subscript":
                    c = f" {type(ctx).__name__}"
                facts.append(f"{kind}{name}{c} <{n.lineno}:{col(n)}>")
            if isinstance(n, ast.Constant) and not isinstance(n.value, (bool, type(None), type(...))):
                facts.append(f"{type(n.value).__name__} {n.value!r} <{n.lineno}:{col(n)}>")
        for c in ast.iter_child_nodes(n):
            walk(c, in_fstring)

    walk(tree, False)
    return sorted(facts)


def weft_facts(dump):
    lines = dump.split("\n")

    def indent(l):
        return len(l) - len(l.lstrip())

    def add_lit(parts, text):
        if parts and parts[-1][0] == "L":
            parts[-1] = ("L", parts[-1][1] + text)
        else:
            parts.append(("L", text))

    def fstring(i):
        base = indent(lines[i])
        i += 1
        parts = []
        while i < len(lines) and indent(lines[i]) > base:
            s = lines[i].strip()
            if s.startswith("Literal "):
                add_lit(parts, ast.literal_eval(s[len("Literal "):]))
                i += 1
            elif s.startswith("Field"):
                m = re.match(r"Field(?: !(\w))?(?: selfdoc=(.*))?$", s)
                if m.group(2):
                    add_lit(parts, ast.literal_eval(m.group(2)))
                field = indent(lines[i])
                i += 1
                spec = ""
                while i < len(lines) and indent(lines[i]) > field:
                    if lines[i].strip().startswith("spec: FString") and indent(lines[i]) == field + 2:
                        spec, i = fstring(i)
                        continue
                    i += 1
                parts.append(("F", f"F[{m.group(1) or ''}|{spec}]"))
            else:
                i += 1
        text = ",".join("L" + repr(p[1]) if p[0] == "L" else p[1] for p in parts)
        return "(" + text + ")", i

    facts = []
    i = 0
    while i < len(lines):
        s = re.sub(r"^[a-z*]+: ", "", lines[i].strip())
        if s.startswith("FString"):
            text, i = fstring(i)
            facts.append("fstring " + text)
            continue
        m = re.match(r"^(Int|Float|Str|Bytes) (.*) (<\d+:\d+>)$", s)
        if m:
            kind, value, pos = m.groups()
            value = {"Int": int, "Float": float}.get(kind, ast.literal_eval)(value)
            pyname = {"Int": "int", "Float": "float", "Str": "str", "Bytes": "bytes"}[kind]
            facts.append(f"{pyname} {value!r} {pos}")
        elif re.match(r"^(%s) " % "|".join(OPS), s):
            s = re.sub(r"^(BinOp|BoolOp|Compare) [A-Za-z ]*<", r"\1 <", s)
            facts.append(s)
        i += 1
    return sorted(facts)


def main():
    src = open(sys.argv[1], encoding="utf-8").read()
    dump = open(sys.argv[2], encoding="utf-8", errors="replace").read()
    expected, got = cpython_facts(src), weft_facts(dump)
    if expected != got:
        sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in expected], [l + "\n" for l in got],
                                                   "cpython", "weft"))
        return 1
    print(f"{len(expected)} facts agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
