"""nn: neural networks built only on autograd's public API."""
