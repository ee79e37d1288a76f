"""``chainrule.utils.data``: datasets, samplers and the DataLoader, spelled like ``torch.utils.data``.

Everything runs in the calling process (``num_workers`` is accepted and ignored: NumPy
batches are built faster than worker processes could ship them). Shuffling draws from
chainrule's generator, so ``chainrule.manual_seed`` or a ``chainrule.Generator`` makes an
epoch's order reproducible (not PyTorch's order: the streams differ).
"""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler

__all__ = [
    "BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset", "RandomSampler", "Sampler",
    "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset", "default_collate", "default_convert",
    "WeightedRandomSampler", "get_worker_info", "random_split",
]


def get_worker_info() -> None:
    """Always None: chainrule loads data in the calling process (PyTorch returns None there too)."""
    return None
