"""skdae: a denoising autoencoder that behaves like any scikit-learn transformer.

Importing skdae does not import TensorFlow; it is loaded on first use.
"""

from ._corruption import corrupt
from ._transformer import DenoisingAutoencoderTransformer

__version__ = "0.1.0"

__all__ = ["DenoisingAutoencoderTransformer", "corrupt", "__version__"]
