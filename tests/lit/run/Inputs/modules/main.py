# The main file of a two-module program: `import m`, `import m as n` and
# `from m import a, b` all name the sibling module geometry.py.
import geometry
import geometry as g
from geometry import Vec, circle_area

print(f"{geometry.circle_area(2.0):.4f}", g.UNIT, f"{circle_area(g.UNIT):.5f}")
v = Vec(3.0, 4.0)
print(v, v.length(), isinstance(v, g.Vec))
if __name__ == "__main__":
    print("main module")
