"""Probability distributions (``torch.distributions``): sampling, reparameterised sampling, log-densities,
entropies and KL divergences, all built from differentiable chainrule ops (so gradients, and second
derivatives, of ``log_prob``/``entropy``/``kl_divergence``/``rsample`` come from the ops' own formulas).

Samples come from chainrule's generator (``chainrule.manual_seed``), not PyTorch's stream.
"""

from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "Exponential", "Independent", "MultivariateNormal",
           "Normal", "Uniform", "constraints", "kl_divergence", "register_kl"]
