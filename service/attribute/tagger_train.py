"""Train the attribution tagger (tagger.py) and write its weights, SHA-256 and scores.

    python -m service.attribute.tagger_train --polnear PolNeAR/data/train
    python -m service.attribute.tagger_train --fixtures my-labelled-articles/ --polnear PolNeAR/data/train

Every article goes through the service's own ingest -> segment -> rule stage, so the features at
training time are exactly those at run time (same spaCy pipeline, same rule tags). Gold roles come
from PolNeAR's BRAT files (Source / Cue / Content spans, one annotator per article) and/or from
ClaimTrace fixtures (eval/fixtures format: content, cue, source and alias occurrences), read in
place; no text is copied anywhere. Training is deterministic (L-BFGS, fixed order), so the same
data reproduces the same file, byte for byte.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from pathlib import Path

from ..ingest import ingest
from ..segment import segment
from . import rule_stage
from .learned import stage_features
from .tagger import MODEL_PATH, SHA_PATH

RULE_KEYS = {"r", "rp", "rn", "-2:r", "-1:r", "1:r", "2:r", "srule"}
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True,
          "feature.minfreq": 2}


def gold_tags(st, article) -> list[list[str]]:
    """BIO tags per sentence from the gold attribution spans (PolNeAR is univocal: a token has one role)."""
    ranges = []  # (start, end, role, key)
    for k, a in enumerate(article.attributions):
        for p, (s, e) in enumerate(a.content.pieces):
            ranges.append((s, e, "CON", (k, "c", p)))
        if a.cue is not None:
            for p, (s, e) in enumerate(a.cue.pieces):
                ranges.append((s, e, "CUE", (k, "q", p)))
        for j, sp in enumerate(a.source_spans[:1]):
            for p, (s, e) in enumerate(sp.pieces):
                ranges.append((s, e, "SRC", (k, "s", j, p)))
    ranges.sort()
    out = []
    for s, sd in zip(st.sents, st.parsed):
        here = [r for r in ranges if r[0] < s.end and s.start < r[1]]
        tags, prev = [], None
        for t in sd:
            a = s.start + t.idx
            b = a + len(t)
            hit = next((r for r in here if r[0] < b and a < r[1]), None)
            if hit is None:
                tags.append("O")
                prev = None
                continue
            started_before = t.i == 0 and hit[0] < a
            tags.append(("I-" if hit[3] == prev or started_before else "B-") + hit[2])
            prev = hit[3]
        out.append(tags)
    return out


def _article_seqs(art) -> list[tuple[list, list]]:
    doc = ingest(text=art.text)
    st = rule_stage(doc, segment(doc))
    return [(f, t) for f, t in zip(stage_features(st), gold_tags(st, art)) if f]


def featurize(articles, cache: Path | None = None, label: str = "", jobs: int = 1) -> list[tuple[list, list]]:
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    seqs = []
    t0 = time.time()
    if jobs > 1:
        import multiprocessing as mp

        pool = mp.get_context("fork").Pool(jobs)
        results = pool.imap(_article_seqs, articles, chunksize=4)  # imap keeps input order
    else:
        pool, results = None, map(_article_seqs, articles)
    for n, got in enumerate(results, 1):
        seqs.extend(got)
        if n % 50 == 0:
            print(f"  {label}{n}/{len(articles)} articles, {time.time() - t0:.0f}s", file=sys.stderr)
    if pool is not None:
        pool.close()
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(seqs))
    return seqs


def train(seqs, out: Path, params: dict = PARAMS) -> str:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, tags in seqs:
        trainer.append(feats, tags)
    trainer.set_params(params)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return hashlib.sha256(out.read_bytes()).hexdigest()


def token_scores(model: Path | None, seqs) -> dict[str, dict[str, float]]:
    """Token-level P/R/F1 per role (ignoring B/I) on held-out sequences; model None scores the rule
    engine's own tags (the "r" feature) for comparison."""
    import pycrfsuite

    tg = None
    if model is not None:
        tg = pycrfsuite.Tagger()
        tg.open(str(model))
    cnt = {r: [0, 0, 0] for r in ("SRC", "CUE", "CON")}  # tp, pred, gold
    for feats, gold in seqs:
        pred = tg.tag(feats) if tg is not None else [("B-" + f["r"]) if f["r"] != "O" else "O" for f in feats]
        for p, g in zip(pred, gold):
            pr, gr = p[2:] if p != "O" else None, g[2:] if g != "O" else None
            if pr:
                cnt[pr][1] += 1
            if gr:
                cnt[gr][2] += 1
            if pr and pr == gr:
                cnt[pr][0] += 1
    out = {}
    for r, (tp, np_, ng) in cnt.items():
        p = tp / np_ if np_ else 0.0
        rc = tp / ng if ng else 0.0
        out[r] = {"precision": round(p, 4), "recall": round(rc, 4), "f1": round(2 * p * rc / (p + rc) if p + rc else 0.0, 4)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m service.attribute.tagger_train", description=__doc__.split("\n")[0])
    ap.add_argument("--polnear", type=Path, action="append", default=[], help="PolNeAR split dir (text/, attributions/)")
    ap.add_argument("--fixtures", type=Path, action="append", default=[], help="a folder of ClaimTrace fixture JSON files")
    ap.add_argument("--dev", type=Path, help="PolNeAR dev dir: token-level scores only (never trained on)")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--cache", type=Path, help="pickle the features here (re-used when present)")
    ap.add_argument("--no-rule-features", action="store_true",
                    help="drop the rule engine's tags from the features (the 'tagger alone' ablation; not shipped)")
    ap.add_argument("--jobs", type=int, default=2, help="featurizing processes")
    ap.add_argument("--max-iterations", type=int, default=PARAMS["max_iterations"])
    args = ap.parse_args(argv)
    # gold readers live with the eval suite; only the training command needs them
    from eval.adapters import from_fixture, load_fixture
    from eval.adapters.polnear import load_polnear

    articles = []
    for d in args.polnear:
        articles += load_polnear(d)
    for d in args.fixtures:
        articles += [from_fixture(load_fixture(p)) for p in sorted(d.glob("*.json"))]
    if not articles:
        ap.error("give at least one --polnear or --fixtures folder")
    print(f"featurizing {len(articles)} articles", file=sys.stderr)
    t0 = time.time()
    seqs = featurize(articles, args.cache, "train ", args.jobs)
    t1 = time.time()
    if args.no_rule_features:
        seqs = [([{k: v for k, v in f.items() if k not in RULE_KEYS} for f in feats], tags) for feats, tags in seqs]
    params = dict(PARAMS, max_iterations=args.max_iterations)
    print(f"training on {len(seqs)} sentences ({t1 - t0:.0f}s featurizing)", file=sys.stderr)
    sha = train(seqs, args.out, params)
    t2 = time.time()
    sha_path = args.out.with_name(args.out.name + ".sha256") if args.out != MODEL_PATH else SHA_PATH
    sha_path.write_text(f"{sha}  {args.out.name}\n")
    info = {"sha256": sha, "articles": len(articles), "sentences": len(seqs), "params": params,
            "seconds": {"featurize": round(t1 - t0), "train": round(t2 - t1)},
            "bytes": args.out.stat().st_size}
    if args.dev:
        dev = load_polnear(args.dev)
        dev_seqs = featurize(dev, None, "dev ", args.jobs)
        info["dev_token_scores"] = token_scores(args.out, dev_seqs)
        info["dev_token_scores_rules"] = token_scores(None, dev_seqs)
    print(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
