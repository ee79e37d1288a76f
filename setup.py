"""Build the optional C kernels (chainrule._fastmath); all other metadata is in pyproject.toml.

The extension is optional: where no C compiler is available the build goes on without it and
chainrule runs its NumPy formulas (chainrule.ops._kernels says which path is in use).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "chainrule._fastmath",
            ["csrc/fastmath.c"],
            extra_compile_args=["-O3", "-pthread", "-std=gnu11"],
            extra_link_args=["-pthread"],
            optional=True,
        )
    ]
)
