"""Host-side libraries without graph ops (TF's `tensorflow/core/lib`): record files, CRCs."""
