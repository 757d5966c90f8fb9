# Classes of an imported module: their __module__ is the module name.


class MyErr(Exception):
    pass


class Thing:
    pass
