"""The derivative catalogue: every differentiable primitive, forward beside backward, by family."""
