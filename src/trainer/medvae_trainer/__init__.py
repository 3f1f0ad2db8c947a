"""MedVAE trainer: AutoencoderKL models, training, evaluation, checkpoint import and ONNX export."""

__version__ = "0.1.0"
