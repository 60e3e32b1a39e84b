"""Finding, downloading and verifying dataset files (internal).

Every dataset is described by a :class:`DatasetSpec`: its name, the subfolder
names it may live under, its file names with the SHA-256 digests accepted for
each, and its download mirrors. :func:`resolve_files` turns a list of file
names into paths, looking in this order:

1. the explicit directory passed as ``path=`` by the caller;
2. the directories in the ``TFGRAPH_DATA_DIR`` environment variable
   (several may be given, separated by ``os.pathsep``);
3. the user cache, ``~/.tfgraph/datasets/<name>/`` (the root
   ``~/.tfgraph/datasets`` is replaced by ``TFGRAPH_CACHE_DIR`` when set);
4. a download from the dataset's mirrors into the user cache.

In steps 1 and 2 a directory may hold the files directly or in a subfolder
named after the dataset (``mnist/``, ``fashion-mnist/``). Each file is taken
from the first place that has it.

Local files are checked too (their SHA-256, once per process and file
version): a file whose digest is that of *another* known file (Fashion-MNIST's
images saved under MNIST's name) raises :class:`WrongDatasetFileError`; a
digest known nowhere (e.g. a re-compressed copy) loads with an
:class:`UnverifiedDatasetWarning`.

Downloads go to a temporary ``.part`` file inside the cache directory, are
checked against the embedded SHA-256 digests and only then renamed into place
with :func:`os.replace`, so an interrupted or corrupt download never leaves a
file under the real name. The function that fetches a URL is the module-level
:func:`_fetch_url` (looked up at call time, so tests can replace it) or the
``fetch=`` argument of :func:`resolve_files`.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import shutil
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..framework.file_io import atomic_write

__all__ = [
    "CACHE_DIR_ENV",
    "DATA_DIR_ENV",
    "ChecksumMismatchError",
    "DatasetNotFoundError",
    "DatasetSpec",
    "UnverifiedDatasetWarning",
    "WrongDatasetFileError",
    "cache_dir",
    "resolve_files",
    "sha256_file",
]

logger = logging.getLogger("tfgraph.datasets")

#: Environment variable naming directories that hold dataset files.
DATA_DIR_ENV = "TFGRAPH_DATA_DIR"
#: Environment variable that replaces the cache root ``~/.tfgraph/datasets``.
CACHE_DIR_ENV = "TFGRAPH_CACHE_DIR"

Fetcher = Callable[[str, BinaryIO], None]
PathLike = Union[str, "os.PathLike[str]"]

# Errors that mean "this mirror did not work, try the next one".
_TRANSIENT_ERRORS = (OSError, http.client.HTTPException, ValueError)


class DatasetNotFoundError(FileNotFoundError):
    """Dataset files were found in no searched folder and could not be downloaded.

    Attributes:
      dataset: the dataset name, e.g. ``"mnist"``.
      missing: the file names that were not found.
      searched: the folders that were searched, in order.
      download_errors: one line per failed download attempt (empty when
        downloading was disabled).
    """

    def __init__(
        self,
        dataset: str,
        missing: Sequence[str],
        searched: Sequence[Path],
        download_errors: Sequence[str] = (),
        hint: str = "",
    ) -> None:
        self.dataset = dataset
        self.missing = list(missing)
        self.searched = [Path(p) for p in searched]
        self.download_errors = list(download_errors)
        lines = [
            f"{dataset}: missing file(s): {', '.join(self.missing)}.",
            "Searched these folders, in order:",
        ]
        for p in self.searched:
            lines.append(f"  {p}{'' if p.is_dir() else '  (does not exist)'}")
        if self.download_errors:
            lines.append("Download failed:")
            lines.extend(f"  {e}" for e in self.download_errors)
        else:
            lines.append("Downloading was disabled (download=False).")
        lines.append(
            "To provide the files, put them in a folder (or in a "
            f"'{dataset}/' subfolder of it) and pass that folder as path=... "
            f"or set the environment variable {DATA_DIR_ENV}; or place them in "
            f"the cache folder {cache_dir(dataset)}; or allow the download to "
            "reach one of the mirrors."
        )
        if hint:
            lines.append(hint)
        self.hint = hint
        super().__init__("\n".join(lines))

    def __reduce__(self):  # keep picklable (e.g. across multiprocessing)
        return (
            type(self),
            (self.dataset, self.missing, self.searched, self.download_errors, self.hint),
        )

    def __str__(self) -> str:  # FileNotFoundError would format (errno, strerror)
        return str(self.args[0])


class ChecksumMismatchError(ValueError):
    """A downloaded file does not have any of the expected SHA-256 digests.

    Attributes:
      filename: the file name.
      url: where it was downloaded from.
      expected: the accepted digests.
      actual: the digest of the downloaded bytes.
    """

    def __init__(self, filename: str, url: str, expected: Sequence[str], actual: str) -> None:
        self.filename = filename
        self.url = url
        self.expected = tuple(expected)
        self.actual = actual
        super().__init__(
            f"checksum mismatch for {filename} downloaded from {url}: expected sha256 "
            f"{' or '.join(self.expected)}, got sha256 {actual}; the download was discarded"
        )

    def __reduce__(self):
        return (type(self), (self.filename, self.url, self.expected, self.actual))


class WrongDatasetFileError(ValueError):
    """A local file has the SHA-256 of another known dataset file (e.g. Fashion-MNIST's
    training images saved under MNIST's file name).

    Attributes:
      path: the local file.
      expected: ``(dataset, file name)`` that was asked for.
      actual: ``(dataset, file name)`` the file's digest belongs to.
      digest: the file's SHA-256.
    """

    def __init__(self, path: PathLike, expected: Tuple[str, str], actual: Tuple[str, str],
                 digest: str) -> None:
        self.path = Path(path)
        self.expected = expected
        self.actual = actual
        self.digest = digest
        super().__init__(
            f"{path}: expected {expected[0]}'s {expected[1]}, but this file is {actual[0]}'s "
            f"{actual[1]} (sha256 {digest}); put the {expected[0]} files there or point "
            f"path= at the right folder"
        )

    def __reduce__(self):
        return (type(self), (self.path, self.expected, self.actual, self.digest))


class UnverifiedDatasetWarning(UserWarning):
    """A local dataset file's SHA-256 is not one of the known digests: it is loaded
    unchecked (a re-compressed copy is fine; other data would train the wrong model)."""


# (path, size, mtime_ns) -> SHA-256 of local files already hashed in this process.
_LOCAL_DIGESTS: Dict[Tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset's files may be found and how to check them.

    Attributes:
      name: dataset name; also the cache subfolder name.
      subdirs: subfolder names looked for inside an explicit data directory.
      files: file name -> accepted SHA-256 digests (hex) of that file.
      mirrors: base URLs, tried in order; a file's URL is base + file name.
      hint: extra advice appended to the not-found message.
    """

    name: str
    subdirs: Tuple[str, ...]
    files: Mapping[str, Tuple[str, ...]]
    mirrors: Tuple[str, ...]
    hint: str = field(default="")


def cache_dir(name: str) -> Path:
    """Returns the cache folder of a dataset.

    Args:
      name: the dataset name.

    Returns:
      ``$TFGRAPH_CACHE_DIR/<name>`` if that variable is set and non-empty,
      else ``~/.tfgraph/datasets/<name>``. The folder may not exist yet.
    """
    root = os.environ.get(CACHE_DIR_ENV)
    base = Path(root).expanduser() if root else Path.home() / ".tfgraph" / "datasets"
    return base / name


def sha256_file(path: PathLike) -> str:
    """Returns the hex SHA-256 digest of a file's bytes.

    Args:
      path: the file.

    Returns:
      64 lowercase hex characters.
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# The built-in datasets (each module registers its spec): a local file is compared with all.
_KNOWN_SPECS: List[DatasetSpec] = []


def register_known(spec: DatasetSpec) -> DatasetSpec:
    """Adds a built-in dataset's digests to those every local file is compared with."""
    _KNOWN_SPECS.append(spec)
    return spec


def _known_file(digest: str) -> Optional[Tuple[str, str]]:
    """(dataset, file name) of the built-in datasets' file with SHA-256 ``digest``, if any."""
    for spec in _KNOWN_SPECS:
        for filename, digests in spec.files.items():
            if digest in digests:
                return spec.name, filename
    return None


def _verify_local(spec: DatasetSpec, filename: str, path: Path) -> None:
    """Checks a local file's SHA-256 against the accepted digests (see the module doc).

    Raises:
      WrongDatasetFileError: if the digest is that of another known dataset file.
    """
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    digest = _LOCAL_DIGESTS.get(key)
    if digest is None:
        digest = _LOCAL_DIGESTS[key] = sha256_file(path)
    expected = spec.files[filename]
    if digest in expected:
        return
    other = _known_file(digest)
    if other is not None:
        raise WrongDatasetFileError(path, (spec.name, filename), other, digest)
    warnings.warn(
        f"{path}: sha256 {digest} is not a known digest of {spec.name}'s {filename} "
        f"(expected {' or '.join(expected)}); loading it unverified",
        UnverifiedDatasetWarning, stacklevel=4)


def _fetch_url(url: str, out: BinaryIO, timeout: float = 60.0) -> None:
    """Downloads ``url`` and writes its bytes to ``out`` (the default fetcher).

    Args:
      url: an http or https URL.
      out: a binary file object to write to.
      timeout: socket timeout in seconds.

    Raises:
      ValueError: for a URL that is not http(s).
      OSError: (``urllib.error.URLError`` and friends) on network errors.
    """
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"refusing to fetch non-http URL {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "tfgraph-datasets"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        shutil.copyfileobj(response, out, 1 << 20)


def _search_dirs(spec: DatasetSpec, path: Optional[PathLike]) -> List[Path]:
    explicit: List[Path] = []
    if path is not None:
        explicit.append(Path(path).expanduser().absolute())
    env = os.environ.get(DATA_DIR_ENV, "")
    explicit.extend(Path(p).expanduser().absolute() for p in env.split(os.pathsep) if p)
    dirs: List[Path] = []
    for d in explicit:
        dirs.append(d)
        dirs.extend(d / sub for sub in spec.subdirs)
    dirs.append(cache_dir(spec.name))
    unique: List[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def _download(
    spec: DatasetSpec, filename: str, dest_dir: Path, fetch: Fetcher, errors: List[str]
) -> Optional[Path]:
    """Tries each mirror in turn; returns the verified file or None."""
    expected = spec.files[filename]
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        errors.append(f"cannot create cache folder {dest_dir}: {e}")
        return None
    final = dest_dir / filename
    mismatch: Optional[ChecksumMismatchError] = None
    for base in spec.mirrors:
        url = base if base.endswith(filename) else base.rstrip("/") + "/" + filename

        def verify(tmp: str) -> None:
            actual = sha256_file(Path(tmp))
            if actual not in expected:
                raise ChecksumMismatchError(filename, url, expected, actual)

        try:
            logger.info("Downloading %s", url)
            # Written beside `final`, checked, then renamed into place (nothing is left behind
            # by a failure or an interruption; the file's mode follows the umask).
            atomic_write(str(final), lambda out: fetch(url, out), check=verify)
            return final
        except ChecksumMismatchError as e:
            mismatch = e
            errors.append(str(e))
        except _TRANSIENT_ERRORS as e:
            errors.append(f"{url}: {type(e).__name__}: {e}")
    if mismatch is not None:
        raise mismatch
    return None


def resolve_files(
    spec: DatasetSpec,
    filenames: Sequence[str],
    path: Optional[PathLike] = None,
    *,
    download: bool = True,
    fetch: Optional[Fetcher] = None,
) -> Dict[str, Path]:
    """Finds (or downloads) the named files of a dataset.

    Args:
      spec: the dataset description.
      filenames: the files needed; each must be a key of ``spec.files``.
      path: an explicit folder searched first (see the module docstring).
      download: whether to download files found nowhere.
      fetch: ``fetch(url, binary_file)`` writing the body of ``url`` to the
        file; defaults to this module's ``_fetch_url``.

    Returns:
      A dict mapping each requested file name to an existing path.

    Raises:
      DatasetNotFoundError: if some files are neither found nor downloaded;
        the message names the missing files, the folders searched and how to
        provide the files.
      ChecksumMismatchError: if a download produced bytes with an unexpected
        SHA-256 on every mirror that answered (the bad file is deleted).
      WrongDatasetFileError: if a local file is another known dataset file.

    Warns:
      UnverifiedDatasetWarning: for a local file whose digest is known nowhere.
    """
    for f in filenames:
        if f not in spec.files:
            raise KeyError(f"{spec.name} has no file {f!r}")
    dirs = _search_dirs(spec, path)
    found: Dict[str, Path] = {}
    for f in filenames:
        for d in dirs:
            candidate = d / f
            if candidate.is_file():
                _verify_local(spec, f, candidate)
                found[f] = candidate
                break
    missing = [f for f in filenames if f not in found]
    errors: List[str] = []
    if missing and download:
        fetcher = fetch if fetch is not None else _fetch_url
        still_missing = []
        for f in missing:
            got = _download(spec, f, cache_dir(spec.name), fetcher, errors)
            if got is None:
                still_missing.append(f)
            else:
                found[f] = got
        missing = still_missing
    if missing:
        raise DatasetNotFoundError(spec.name, missing, dirs, errors, spec.hint)
    return {f: found[f] for f in filenames}
