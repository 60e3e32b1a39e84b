"""Small utilities shared by every layer (no graph or op knowledge): `nest`."""
