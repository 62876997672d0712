"""The ``pair`` fixture of the parity tests (tests/tools/parity.py)."""
import pytest

from tests.tools.parity import build_pair


@pytest.fixture(scope='module')
def pair(request, neon_root):
    """``build_pair(request.param)``, once per module and config: pytest orders a module's
    tests by it."""
    return build_pair(request.param, neon_root)
