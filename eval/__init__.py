"""ClaimTrace eval suite: hand-labelled fixtures and PolNeAR, scored as BBC Citron / the Gender Gap
Tracker score (lenient and exact spans, source and cue accuracy), plus grounding, summary checks and cost.

Entry point: `python -m eval` (or `claimtrace eval`) -> `eval.runner.main(argv)`. See eval/README.md.
"""
