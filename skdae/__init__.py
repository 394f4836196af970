"""skdae: a denoising autoencoder that behaves like any scikit-learn transformer.

Importing skdae does not import TensorFlow; it is loaded on first use.
"""

from ._corruption import corrupt, one_hot_groups
from ._display import LossCurveDisplay, ReconstructionDisplay
from ._imputer import DenoisingAutoencoderImputer
from ._onnx import register_when_skl2onnx_is_imported, to_onnx
from ._scoring import make_corrupted_scorer
from ._transformer import DenoisingAutoencoderTransformer

__version__ = "0.3.0"

# skl2onnx's own to_onnx and convert_sklearn convert the transformer too.
register_when_skl2onnx_is_imported()

__all__ = [
    "DenoisingAutoencoderImputer",
    "DenoisingAutoencoderTransformer",
    "LossCurveDisplay",
    "ReconstructionDisplay",
    "corrupt",
    "make_corrupted_scorer",
    "one_hot_groups",
    "to_onnx",
    "__version__",
]
