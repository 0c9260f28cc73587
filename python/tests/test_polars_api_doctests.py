"""The docstring examples of the expression, LazyFrame and selector modules run and give what they
show (alopex.frame's run in test_frame_construct)."""

import doctest

import pytest

import alopex.expr
import alopex.lazyframe
import alopex.selectors


@pytest.mark.parametrize("module", [alopex.expr, alopex.lazyframe, alopex.selectors], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
