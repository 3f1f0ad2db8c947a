import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# ../shared/data beside the repository root (src/trainer/tests -> repository root is parents[3])
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _seed_and_threads():
    torch.manual_seed(0)
    torch.set_num_threads(1)


@pytest.fixture
def shared_data() -> Path:
    root = SHARED_DATA.resolve()
    if not (root / "xray" / "index.csv").is_file():
        pytest.skip(f"shared data not found at {root} (../shared/data next to the repository)")
    return root
