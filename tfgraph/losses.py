"""`tf.losses`: TF1's loss functions, their `Reduction` keys and the loss collections
(re-exports of `ops.losses_ops`)."""
from .ops.losses_ops import (Reduction, absolute_difference, add_loss,  # noqa: F401
                             compute_weighted_loss, cosine_distance, get_losses,
                             get_regularization_loss, get_regularization_losses, get_total_loss,
                             hinge_loss, huber_loss, log_loss, mean_squared_error,
                             sigmoid_cross_entropy, softmax_cross_entropy,
                             sparse_softmax_cross_entropy)

__all__ = [
    "Reduction", "absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance",
    "get_losses", "get_regularization_loss", "get_regularization_losses", "get_total_loss",
    "hinge_loss", "huber_loss", "log_loss", "mean_squared_error", "sigmoid_cross_entropy",
    "softmax_cross_entropy", "sparse_softmax_cross_entropy",
]

# The rest of TF1's losses (issue 16).
from .ops.pairwise_loss_ops import mean_pairwise_squared_error  # noqa: E402,F401
__all__.append("mean_pairwise_squared_error")
