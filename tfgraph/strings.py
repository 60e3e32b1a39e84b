"""`tf.strings`: TF1's string namespace under its names (re-exports of `ops/string_ops`)."""
from ._reexport import export as _export

_NAMES = """as_string bytes_split format join length lower ngrams reduce_join regex_full_match
regex_replace split strip substr to_hash_bucket to_hash_bucket_fast to_hash_bucket_strong
to_number unicode_decode unicode_decode_with_offsets unicode_encode unicode_script
unicode_split unicode_split_with_offsets unicode_transcode unsorted_segment_join
upper""".split()

__all__ = _export(globals(), _NAMES, ("ops.string_ops", "ops.bytes_ops"))
