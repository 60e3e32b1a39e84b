"""`tf.python_io`: TFRecord files from Python (`TFRecordWriter`, `tf_record_iterator`)."""
from .lib.io.tf_record import (TFRecordCompressionType, TFRecordOptions,  # noqa: F401
                               TFRecordWriter, tf_record_iterator)

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "tf_record_iterator"]
