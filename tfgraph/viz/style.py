"""The TensorBoard look: colours, node shapes, edge widths and label text for graph diagrams.

Everything visual lives here so the grouping rules (`grouping.py`) and the Graphviz emitter
(`export.py`) stay free of colour codes. Colours follow TensorBoard's graph dashboard where it
has one (grey op outlines, #d9d9d9 name scopes, orange reference edges).
"""
from __future__ import annotations

import math
from typing import Dict, Iterable, List, Optional, Sequence

FONT = "Helvetica"

OP_OUTLINE = "#b2b2b2"
SCOPE_FILL = "#d9d9d9"
SCOPE_OUTLINE = "#999999"
DATA_EDGE = "#8c8c8c"
CONTROL_EDGE = "#b2b2b2"
REF_EDGE = "#FFB74D"

# Node looks by kind; `export.py` copies these into Graphviz node attributes.
NODE_STYLES: Dict[str, Dict[str, str]] = {
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "white", "color": OP_OUTLINE},
    "placeholder": {"shape": "house", "style": "filled", "fillcolor": "#E3F2FD",
                    "color": "#1E88E5"},
    "feed": {"shape": "house", "style": "filled,dashed", "fillcolor": "#E3F2FD",
             "color": "#1E88E5"},
    "variable": {"shape": "cylinder", "style": "filled", "fillcolor": "#E8F5E9",
                 "color": "#43A047"},
    "const": {"shape": "circle", "style": "filled", "fillcolor": "#F5F5F5", "color": OP_OUTLINE,
              "width": "0.22", "height": "0.22", "fixedsize": "true", "fontsize": "7"},
    "group": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": SCOPE_FILL,
              "color": SCOPE_OUTLINE},
    "series": {"shape": "box", "style": "rounded,filled", "fillcolor": "white",
               "color": OP_OUTLINE, "peripheries": "2"},
    "chain": {"shape": "box3d", "style": "filled", "fillcolor": "white", "color": OP_OUTLINE},
}

# Graphviz refuses quoted strings over 16,384 characters (a 10,000-op series' tooltip was
# 90,000); labels longer than a line or two are unreadable anyway.
MAX_TOOLTIP = 2000
MAX_LABEL = 200

# Shared-structure palette: scopes with the same internal structure (conv1, conv2, ...) get
# the same colour, as in TensorBoard; muted tones so black labels stay readable.
STRUCTURE_PALETTE = ("#BBDEFB", "#C8E6C9", "#FFE0B2", "#E1BEE7", "#B2EBF2", "#F8BBD0",
                     "#DCEDC8", "#FFF9C4", "#D7CCC8", "#CFD8DC")

DEVICE_COLORS = {"CPU": "#AED581", "GPU": "#FFB74D", "TPU": "#CE93D8"}
UNPLACED_COLOR = "white"
_EXTRA_DEVICE_COLORS = ("#4FC3F7", "#F06292", "#FFF176", "#A1887F")


def structure_color(slot: int, shared: bool) -> str:
    """Fill colour of a scope: palette colour `slot` when its structure repeats, else grey."""
    if not shared:
        return SCOPE_FILL
    return STRUCTURE_PALETTE[slot % len(STRUCTURE_PALETTE)]


def lighten(color: str, amount: float = 0.6) -> str:
    """`color` ("#rrggbb") blended toward white by `amount` (0 = unchanged, 1 = white)."""
    if not (color.startswith("#") and len(color) == 7):
        return color
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


def device_kind(device: str) -> str:
    """A short device label for colouring: "/device:GPU:0" -> "GPU:0"; "" -> "unplaced"."""
    if not device:
        return "unplaced"
    from ..framework.device import parse_device
    try:
        fields = parse_device(device)
    except ValueError:
        return device
    if fields["device_type"] is None:
        return "unplaced"
    idx = fields["device_index"]
    return fields["device_type"] if idx in (None, "*") else f"{fields['device_type']}:{idx}"


def device_color(kind: str, known: Sequence[str] = ()) -> str:
    """Fill colour of a device label from `device_kind` (GPU:1 shares GPU's colour)."""
    if kind == "unplaced":
        return UNPLACED_COLOR
    base = kind.split(":")[0]
    if base in DEVICE_COLORS:
        return DEVICE_COLORS[base]
    others = sorted(k for k in known if k.split(":")[0] not in DEVICE_COLORS and k != "unplaced")
    i = others.index(kind) if kind in others else 0
    return _EXTRA_DEVICE_COLORS[i % len(_EXTRA_DEVICE_COLORS)]


def shape_label(shape, dtype=None, always_dtype: bool = False) -> str:
    """Edge text for a tensor: "?×784", "scalar", "unknown"; dtype appended unless float32.

    Args:
      shape: A `TensorShape`.
      dtype: The tensor's `DType` (None: not shown).
      always_dtype: Show the dtype even when it is float32.
    """
    if shape.ndims is None:
        text = "unknown"
    elif shape.ndims == 0:
        text = "scalar"
    else:
        text = "×".join("?" if d is None else str(d) for d in shape.as_list())
    if dtype is not None:
        name = dtype.base_dtype.name
        if name != "float32" or always_dtype:
            text += f" {name}"
    return text


def edge_width(shapes: Iterable) -> float:
    """Pen width for an edge carrying tensors of `shapes`: thicker for more elements.

    Unknown dimensions count as 1, so `?×784` is drawn like a single 784-vector, which keeps
    batch-sized tensors from all looking the same as their weights.
    """
    total = 0
    for shape in shapes:
        if shape.ndims is None:
            n = 1
        else:
            n = 1
            for d in shape.as_list():
                n *= d if d else 1
        total += n
    return round(1.0 + min(4.0, math.log10(max(total, 1)) / 2.0), 2)


def short_value(value) -> Optional[str]:
    """The text shown inside a scalar constant's circle ("0.5", "2"), or None."""
    try:
        import numpy as np
        arr = np.asarray(value)
        if arr.ndim != 0 or arr.dtype.kind not in "biuf":
            return None
        v = arr.item()
    except Exception:  # noqa: BLE001 - an unprintable constant simply gets no text
        return None
    text = f"{v:.3g}" if isinstance(v, float) else str(v)
    return text if len(text) <= 5 else None


def format_ids(ids: List[int]) -> str:
    """Compact ranges for series labels: [1, 2, 3, 5] -> "1-3,5"."""
    ids = sorted(ids)
    parts: List[str] = []
    start = prev = ids[0]
    for i in ids[1:] + [None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    return ",".join(parts)


def truncate(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def escape(text: str) -> str:
    """Escapes backslashes so Graphviz does not read op names as escape sequences."""
    return text.replace("\\", "\\\\")


LEGEND_NODES = (
    ("placeholder", "Placeholder"),
    ("variable", "Variable"),
    ("const", ""),
    ("op", "Operation"),
    ("series", "Series [1-5]"),
    ("group", "Name scope\n(N ops)"),
)
LEGEND_EDGES = (
    ("data", "?×784 (shape)"),
    ("control", "control dependency"),
    ("ref", "reference (assign)"),
)
