"""Device strings: parsing TF1 spellings ("/gpu:0", "/device:GPU:0", "/cpu:0") and merging scopes."""
from __future__ import annotations

import re
from typing import Dict, Optional

_PART = re.compile(r"^(?:device:)?([A-Za-z_]+):(\*|\d+)$")

# The only worker of an in-process session, as TF1 names it in full device names.
LOCAL_WORKER = "/job:localhost/replica:0/task:0"


def full_device_name(device_type: str, index: int = 0) -> str:
    """TF1's full name of a local device.

    ("GPU", 0) -> "/job:localhost/replica:0/task:0/device:GPU:0".
    """
    return f"{LOCAL_WORKER}/device:{device_type.upper()}:{index}"


def parse_device(spec: Optional[str]) -> Dict[str, Optional[str]]:
    """Splits a device string into its fields: job, replica, task, device_type, device_index.

    Raises:
      ValueError: If the string is not a device specification.
    """
    fields: Dict[str, Optional[str]] = {"job": None, "replica": None, "task": None,
                                        "device_type": None, "device_index": None}
    if not spec:
        return fields
    for part in spec.strip("/").split("/"):
        if not part:
            continue
        key, _, val = part.partition(":")
        key_l = key.lower()
        if key_l in ("job", "replica", "task") and val:
            fields[key_l] = val
            continue
        if key_l == "device" and val:
            m = _PART.match(val)
            if m:
                fields["device_type"], fields["device_index"] = m.group(1).upper(), m.group(2)
                continue
            if val:
                fields["device_type"] = val.upper()
                continue
        m = _PART.match(part)
        if m:
            fields["device_type"], fields["device_index"] = m.group(1).upper(), m.group(2)
            continue
        if key_l in ("cpu", "gpu") and not val:
            fields["device_type"] = key_l.upper()
            continue
        raise ValueError(f"Unknown attribute: '{part}' in '{spec}'")
    return fields


def format_device(fields: Dict[str, Optional[str]]) -> str:
    out = []
    for k in ("job", "replica", "task"):
        if fields.get(k) is not None:
            out.append(f"/{k}:{fields[k]}")
    if fields.get("device_type") is not None:
        idx = fields.get("device_index")
        out.append(f"/device:{fields['device_type']}:{'*' if idx is None else idx}")
    return "".join(out)


def canonical_device(spec: Optional[str]) -> str:
    """The canonical spelling of a device string: "/gpu:0" -> "/device:GPU:0"; None -> ""."""
    if not spec:
        return ""
    if hasattr(spec, "to_string"):
        spec = spec.to_string()
    return format_device(parse_device(str(spec)))


def merge_device(outer: str, inner: str) -> str:
    """Combines an enclosing device scope with an inner one; the inner's fields win."""
    if not outer:
        return inner
    if not inner:
        return outer
    a, b = parse_device(outer), parse_device(inner)
    for k, v in b.items():
        if v is not None:
            a[k] = v
    if b["device_type"] is not None:
        a["device_index"] = b["device_index"]
    return format_device(a)


def device_type(spec: str) -> Optional[str]:
    """"CPU", "GPU", another type, or None when the string names no device type."""
    return parse_device(spec)["device_type"] if spec else None


def device_index(spec: str) -> int:
    """The device index a string names; 0 when it names none or "*"."""
    idx = parse_device(spec)["device_index"] if spec else None
    return 0 if idx in (None, "*") else int(idx)


class DeviceSpec:
    """A parsed device specification (`tf.DeviceSpec`)."""

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self.job, self.replica, self.task = job, replica, task
        self.device_type = device_type.upper() if device_type else None
        self.device_index = device_index

    @classmethod
    def from_string(cls, spec: str) -> "DeviceSpec":
        f = parse_device(spec)
        idx = f["device_index"]
        return cls(f["job"], f["replica"], f["task"], f["device_type"],
                   None if idx in (None, "*") else int(idx))

    def to_string(self) -> str:
        return format_device({"job": self.job, "replica": self.replica, "task": self.task,
                              "device_type": self.device_type,
                              "device_index": None if self.device_index is None else str(self.device_index)})

    def merge_from(self, dev: "DeviceSpec") -> None:
        """Sets the fields that `dev` specifies (as TF1's `DeviceSpec.merge_from`)."""
        for k in ("job", "replica", "task", "device_type", "device_index"):
            v = getattr(dev, k)
            if v is not None:
                setattr(self, k, v)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self) -> int:
        return hash(self.to_string())

    def __repr__(self) -> str:
        return f"DeviceSpec({self.to_string()!r})"

    def __str__(self) -> str:
        return self.to_string()
