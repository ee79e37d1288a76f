"""Every ``nn`` layer class, gathered from the files of this package."""

from .activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmax2d,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .linear import Flatten, Identity, Linear, Unflatten
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
)
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell
from .sparse import Embedding

__all__ = [
    "Module", "Linear", "Identity", "Flatten", "Unflatten", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
    "AlphaDropout", "FeatureAlphaDropout", "Softmax2d", "Sequential",
    "CosineSimilarity", "PairwiseDistance",
    "ModuleList", "ModuleDict",
    "Sigmoid", "Tanh", "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Softplus",
    "Softsign", "Hardtanh", "Hardsigmoid", "Hardswish", "LogSigmoid", "Tanhshrink", "Softshrink", "Hardshrink",
    "PReLU", "Softmax", "Softmin", "LogSoftmax", "GLU", "Threshold",
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "KLDivLoss", "PoissonNLLLoss", "SoftMarginLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
    "CosineEmbeddingLoss", "LayerNorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "Embedding",
    "ParameterList", "ParameterDict", "RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
    "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
]

from .layers_extra import *  # noqa: E402,F401,F403
from .layers_extra import __all__ as _layers_extra_all  # noqa: E402
from .losses_extra import *  # noqa: E402,F401,F403
from .losses_extra import __all__ as _losses_extra_all  # noqa: E402

__all__ += [*_layers_extra_all, *_losses_extra_all]

from .attention import MultiheadAttention  # noqa: E402

__all__ += ["MultiheadAttention"]

from .lazy import *  # noqa: E402,F401,F403
from .lazy import __all__ as _lazy_all  # noqa: E402
from .transformer import *  # noqa: E402,F401,F403
from .transformer import __all__ as _transformer_all  # noqa: E402

__all__ += [*(n for n in _lazy_all if n != "LazyModuleMixin"), *_transformer_all]

from .padding import *  # noqa: E402,F401,F403
from .padding import __all__ as _padding_all  # noqa: E402

__all__ += _padding_all

from .embedding_bag import EmbeddingBag  # noqa: E402

__all__ += ["EmbeddingBag"]
