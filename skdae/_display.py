"""Display objects, in the manner of scikit-learn's ``*Display`` classes.

Each stores what it shows; ``from_estimator`` computes it and calls
``plot(ax=None)``, which draws on ``ax`` (or a new pyplot figure) and sets
``ax_`` and ``figure_``. matplotlib is imported when a display is drawn.
"""

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            'Displays need matplotlib: pip install "skdae[plot]"'
        ) from exc
    return plt


def _axes(ax):
    if ax is None:
        _, ax = _pyplot().subplots()
    return ax


class ReconstructionDisplay:
    """Inputs and their reconstructions, with the clean samples if known.

    Use :meth:`from_estimator` to make one.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The inputs shown (e.g. noisy samples).
    X_reconstructed : ndarray of shape (n_samples, n_features)
        Their reconstructions.
    X_clean : ndarray of shape (n_samples, n_features) or None, default=None
        The clean samples, shown first when given.
    image_shape : tuple of int or None, default=None
        ``(height, width)`` or ``(height, width, channels)``: draw images.
        None draws each sample as a line over its features.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes the display is drawn on.
    figure_ : matplotlib Figure
        Figure of ``ax_``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdae import DenoisingAutoencoderTransformer, ReconstructionDisplay
    >>> X = load_digits().data / 16.0
    >>> dae = DenoisingAutoencoderTransformer((16, 8), epochs=1).fit(X)
    >>> display = ReconstructionDisplay.from_estimator(dae, X, image_shape=(8, 8))
    >>> display.X_reconstructed.shape
    (10, 64)
    """

    def __init__(self, *, X, X_reconstructed, X_clean=None, image_shape=None):
        self.X = X
        self.X_reconstructed = X_reconstructed
        self.X_clean = X_clean
        self.image_shape = image_shape

    @classmethod
    def from_estimator(
        cls, estimator, X, *, X_clean=None, image_shape=None, n_samples=10, ax=None
    ):
        """Reconstruct the first ``n_samples`` rows of ``X`` and draw them.

        The reconstruction is ``inverse_transform(transform(X))``: the
        denoised output of a :class:`~skdae.DenoisingAutoencoderTransformer`
        whatever its ``transform_output``, and PCA's round trip for
        :class:`~sklearn.decomposition.PCA`.

        Parameters
        ----------
        estimator : fitted transformer with ``inverse_transform``
            E.g. a :class:`~skdae.DenoisingAutoencoderTransformer`.
        X : array-like of shape (n_samples, n_features)
            Inputs, e.g. noisy samples.
        X_clean : array-like of shape (n_samples, n_features), default=None
            The clean samples of ``X``, drawn first.
        image_shape : tuple of int or None, default=None
            Draw images of this shape; None draws one sample per line.
        n_samples : int, default=10
            How many samples to draw.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : ReconstructionDisplay
        """
        X = np.asarray(X)[:n_samples]
        reconstructed = estimator.inverse_transform(estimator.transform(X))
        if X_clean is not None:
            X_clean = np.asarray(X_clean)[:n_samples]
        display = cls(
            X=X,
            X_reconstructed=np.asarray(reconstructed),
            X_clean=X_clean,
            image_shape=image_shape,
        )
        return display.plot(ax=ax)

    def _rows(self):
        rows = [] if self.X_clean is None else [("clean", self.X_clean)]
        return [*rows, ("input", self.X), ("reconstruction", self.X_reconstructed)]

    def plot(self, ax=None, *, cmap="gray_r", vmin=None, vmax=None):
        """Draw the samples.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        cmap : str, default="gray_r"
            Colour map of the images.
        vmin, vmax : float or None, default=None
            Range of the colour map. None takes the range of the inputs (and
            the clean samples), so that reconstructions of different
            estimators drawn on the same data share one scale.

        Returns
        -------
        display : ReconstructionDisplay
            With ``ax_`` and ``figure_`` set.
        """
        ax = _axes(ax)
        rows = self._rows()
        if self.image_shape is not None:
            shown = [samples for name, samples in rows if name != "reconstruction"]
            vmin = min(np.min(x) for x in shown) if vmin is None else vmin
            vmax = max(np.max(x) for x in shown) if vmax is None else vmax
            self._plot_images(ax, rows, cmap, vmin, vmax)
        else:
            self._plot_lines(ax, rows)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _plot_images(self, ax, rows, cmap, vmin, vmax):
        # One mosaic image, so that any single Axes can hold the whole grid.
        shape = tuple(self.image_shape)
        height, width = shape[:2]
        gap = max(1, height // 8)
        n = len(self.X)
        mosaic = np.full(
            (len(rows) * (height + gap) - gap, n * (width + gap) - gap, *shape[2:]),
            np.nan,
        )
        for r, (_, samples) in enumerate(rows):
            for c, sample in enumerate(samples):
                top, left = r * (height + gap), c * (width + gap)
                mosaic[top : top + height, left : left + width] = np.reshape(
                    sample, shape
                )
        ax.imshow(
            mosaic.squeeze(), cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
        )
        ax.set_xticks([])
        ax.set_yticks([r * (height + gap) + height / 2 for r in range(len(rows))])
        ax.set_yticklabels([name for name, _ in rows])

    def _plot_lines(self, ax, rows):
        spread = max(float(np.ptp(samples)) for _, samples in rows) or 1.0
        styles = {
            "clean": {"color": "black", "linestyle": "--", "linewidth": 1},
            "input": {"color": "grey", "linewidth": 0.8, "alpha": 0.7},
            "reconstruction": {"color": "tab:blue", "linewidth": 1.5},
        }
        for name, samples in rows:
            for i, sample in enumerate(samples):
                ax.plot(
                    np.asarray(sample) - i * 1.2 * spread,
                    label=name if i == 0 else None,
                    **styles[name],
                )
        ax.set_xlabel("feature")
        ax.set_yticks([])
        ax.legend(loc="upper right")


class LossCurveDisplay:
    """The training loss, and the validation loss, per epoch.

    Use :meth:`from_estimator` to make one.

    Parameters
    ----------
    loss : list of float
        Training loss per epoch.
    val_loss : list of float or None, default=None
        Validation (denoising) loss per epoch.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes the display is drawn on.
    figure_ : matplotlib Figure
        Figure of ``ax_``.
    lines_ : list of matplotlib Line2D
        The curves.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdae import DenoisingAutoencoderTransformer, LossCurveDisplay
    >>> X = load_digits().data / 16.0
    >>> dae = DenoisingAutoencoderTransformer((16, 8), epochs=3).fit(X)
    >>> len(LossCurveDisplay.from_estimator(dae).loss)
    3
    """

    def __init__(self, *, loss, val_loss=None):
        self.loss = loss
        self.val_loss = val_loss

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Draw a fitted estimator's ``history_``.

        Parameters
        ----------
        estimator : fitted DenoisingAutoencoderTransformer
            Anything with a Keras-style ``history_`` dict.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : LossCurveDisplay
        """
        history = estimator.history_
        display = cls(loss=list(history["loss"]), val_loss=history.get("val_loss"))
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.

        Returns
        -------
        display : LossCurveDisplay
            With ``ax_``, ``figure_`` and ``lines_`` set.
        """
        ax = _axes(ax)
        epochs = np.arange(1, len(self.loss) + 1)
        self.lines_ = ax.plot(epochs, self.loss, label="loss (noisy inputs)")
        if self.val_loss is not None:
            self.lines_ += ax.plot(
                epochs, self.val_loss, label="val_loss (denoising, held out)"
            )
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        # Epochs are whole: no 1.25, 1.5... ticks on short runs.
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
