"""`tf.train.queue_runner`: TF1's module of the queue-runner names (also in `tf.train`)."""
from .queue_runner import QueueRunner, add_queue_runner, start_queue_runners

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]
