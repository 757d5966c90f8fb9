# A helper module imported by main.py from the same folder.
import math

UNIT = 1.0


def circle_area(r: float) -> float:
    return math.pi * r * r


class Vec:
    def __init__(self, x: float, y: float) -> None:
        self.x = x
        self.y = y

    def length(self) -> float:
        return math.hypot(self.x, self.y)

    def __repr__(self) -> str:
        return f"Vec({self.x}, {self.y})"
