import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="module")
def classifier_cache(tmp_path_factory):
    """Keep the GAN digit classifier's cache out of the user's data folder (one per module).

    Use it in a test module with ``pytestmark = pytest.mark.usefixtures("classifier_cache")``.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MYNN_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        yield
