"""The choices of the estimator's string parameters that name Keras objects."""

LOSSES = ("binary_crossentropy", "mse", "mae", "huber")
OPTIMIZERS = ("adam", "adamw", "nadam", "adamax", "rmsprop", "sgd", "adagrad", "lion")
