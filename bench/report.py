"""Derived figures of one bench run (medians over articles, like-for-like ratios, target checks) and its table.

`derived.targets` is read by other tools: each key below is stable, its value is
{"value": number or null, "target": "<op> <bound>", "met": true | false | null (not measured)}.
"""
from __future__ import annotations

from .capture import median

# key -> (what it is, op, bound); documented in bench/README.md
TARGETS = {
    "decode_steps_batch1_vs_llamacpp": ("transformers decode steps/s at batch 1 / llama.cpp's", ">=", 0.7),
    "prefill_vs_llamacpp": ("transformers prefill tokens/s / llama.cpp's, same prompt tokens, no prefix reuse", ">=", 0.7),
    "summary_wall_vs_llamacpp": ("transformers wall time for the summary prompts / llama.cpp's (each as the service calls it)", "<=", 1.4),
    "four_clients_throughput": ("4 concurrent clients on distinct articles: throughput / the same 4 sent one by one", ">=", 1.5),
    "four_clients_errors": ("non-200 answers among those 8 requests", "==", 0),
    "server_peak_rss_over_weights": ("server peak RSS / weight bytes as loaded by the served runtime", "<=", 1.4),
    "warm_start_s": ("server start to /readyz with the model cache warm, s", "<=", 5.0),
    "cache_hit_ms": ("repeated request answered from the results cache, ms", "<=", 20.0),
    "e2e_over_model_time": ("HTTP time per article / the model time inside it (default runtime)", "<=", 1.15),
    "e2e_llamacpp_over_raw": ("CLAIMTRACE_BACKEND=llamacpp: HTTP time per article / raw llama.cpp wall time", "<=", 1.15),
}

_OPS = {">=": lambda v, b: v >= b, "<=": lambda v, b: v <= b, "==": lambda v, b: v == b}


def _agg(rt: dict, key: str):
    return median([a.get(key) for a in rt["articles"].values()])


def _ratio(a, b):
    return a / b if a is not None and b else None


def derive(r: dict) -> None:
    d: dict = {}
    rts = {k: v for k, v in r["runtimes"].items() if isinstance(v, dict)}
    bw = r.get("read_bandwidth_gb_s")
    for k, rt in rts.items():
        x = {key: _agg(rt, key) for key in ("wall_s", "rows", "batch_decode_tok_s", "prefill_tok_s", "decode_steps_s")}
        x.update(load_s=rt["load_s"], peak_rss_mb=rt["peak_rss_mb"], weight_bytes=rt["weight_bytes"])
        if rt["weight_bytes"] and bw:
            # one decode step reads every weight once, whatever the batch
            x["bandwidth_limit_steps_s"] = bw * 1e9 / rt["weight_bytes"]
            x["bandwidth_fraction"] = _ratio(x["decode_steps_s"], x["bandwidth_limit_steps_s"])
        d[k] = x
    a, b = d.get("llamacpp"), d.get("transformers") or d.get("fake")
    http = (r.get("http") or {}).get("articles") or {}
    c_ms = median([x["http_ms"] for x in http.values()])
    overhead = median([x["http_ms"] / x["model_ms"] for x in http.values() if x.get("model_ms")])
    d["http"] = {"e2e_s": c_ms / 1000 if c_ms else None, "e2e_over_model": overhead}
    ratios: dict = {}
    if a and b:
        ratios = {
            "decode_steps_batch1": _ratio(b["decode_steps_s"], a["decode_steps_s"]),
            "prefill_same_tokens": _ratio(b["prefill_tok_s"], a["prefill_tok_s"]),
            "summary_wall": _ratio(b["wall_s"], a["wall_s"]),
            # llama-cpp-python's Llama decodes one sequence: its aggregate at any batch is its one-stream rate
            "batch_decode_tok_s_vs_llamacpp_sequential": _ratio(b["batch_decode_tok_s"], a["batch_decode_tok_s"]),
        }
    e2e_llama = None
    lh = (r.get("http_llamacpp") or {}).get("articles")
    if lh and "llamacpp" in rts:
        raw = rts["llamacpp"]["articles"]
        e2e_llama = median([lh[n]["http_ms"] / 1000 / raw[n]["wall_s"] for n in lh if n in raw and lh[n]["http_ms"]])
        d["http_llamacpp"] = {"e2e_s": median([x["http_ms"] for x in lh.values()]) / 1000, "e2e_over_raw": e2e_llama}
    d["ratios"] = ratios
    served = rts.get("transformers") or rts.get("fake")
    w = served.get("loaded_bytes") if served else r.get("served_loaded_bytes")
    http_rss = (r.get("http") or {}).get("peak_rss_mb")
    conc = (r.get("http") or {}).get("concurrency") or {}
    values = {
        "decode_steps_batch1_vs_llamacpp": ratios.get("decode_steps_batch1"),
        "prefill_vs_llamacpp": ratios.get("prefill_same_tokens"),
        "summary_wall_vs_llamacpp": ratios.get("summary_wall"),
        "four_clients_throughput": conc.get("throughput_ratio"),
        "four_clients_errors": conc.get("errors"),
        "server_peak_rss_over_weights": (http_rss * 2**20 / w) if (http_rss and w) else None,
        "warm_start_s": (r.get("http") or {}).get("warm_start_s"),
        "cache_hit_ms": (r.get("http") or {}).get("cache_hit_ms"),
        "e2e_over_model_time": overhead,
        "e2e_llamacpp_over_raw": e2e_llama,
    }
    d["targets"] = {}
    for key, (_, op, bound) in TARGETS.items():
        v = values[key]
        d["targets"][key] = {"value": v, "target": f"{op} {bound:g}", "met": None if v is None else _OPS[op](v, bound)}
    r["derived"] = d


def table(r: dict) -> str:
    d = r["derived"]

    def f(x, fmt="{:.2f}"):
        return "-" if x is None else fmt.format(x) if isinstance(x, (int, float)) else str(x)

    lines = [f"ClaimTrace bench {r['date']}  runs={r['runs']}  threads={r['threads']}  load avg "
             f"{f(r['load_avg_start'][0])} -> {f(r['load_avg_end'][0])}  read bandwidth {f(r.get('read_bandwidth_gb_s'))} GB/s",
             "", f"{'runtime':<14}{'load s':>8}{'wall s':>9}{'prefill t/s':>13}{'steps/s b1':>12}{'batch t/s':>11}"
             f"{'weights MB':>12}{'BW steps/s':>12}{'of BW':>7}{'peak RSS MB':>13}"]
    for k in ("llamacpp", "transformers", "fake"):
        if k in d:
            x = d[k]
            lines.append(f"{k:<14}{f(x['load_s']):>8}{f(x['wall_s']):>9}{f(x['prefill_tok_s'], '{:.1f}'):>13}"
                         f"{f(x['decode_steps_s'], '{:.1f}'):>12}{f(x['batch_decode_tok_s'], '{:.1f}'):>11}"
                         f"{f(x['weight_bytes'] and x['weight_bytes'] / 2**20, '{:.0f}'):>12}"
                         f"{f(x.get('bandwidth_limit_steps_s'), '{:.1f}'):>12}{f(x.get('bandwidth_fraction'), '{:.0%}'):>7}"
                         f"{f(x['peak_rss_mb'], '{:.0f}'):>13}")
    for k, v in r["runtimes"].items():
        if isinstance(v, str):
            lines.append(f"{k:<14}{v}")
    lines.append("  wall: the summary prompts as the service sends them; prefill: each prompt alone, no KV prefix "
                 "reuse, same tokens; steps/s b1: one stream; batch t/s: the service call's rows together")
    for k, v in r["runtimes"].items():
        if isinstance(v, dict) and v.get("build"):
            lines.append(f"  {k} build: {v['build']}")
    h = r.get("http") or {}
    lines += ["", f"HTTP end to end: median {f(d['http']['e2e_s'])} s per article, {f(d['http']['e2e_over_model'])}x its model "
              f"time; warm start {f(h.get('warm_start_s'))} s; cold start {f(r.get('cold_start_s'))} s; "
              f"cache hit {f(h.get('cache_hit_ms'))} ms; server peak RSS {f(h.get('peak_rss_mb'), '{:.0f}')} MB"]
    if h.get("concurrency"):
        c = h["concurrency"]
        lines.append(f"4 clients: sequential {f(c['sequential_s'])} s, concurrent {f(c['concurrent_s'])} s, "
                     f"throughput x{f(c['throughput_ratio'])}, errors {c['errors']}")
    if d.get("http_llamacpp"):
        lines.append(f"HTTP with CLAIMTRACE_BACKEND=llamacpp: median {f(d['http_llamacpp']['e2e_s'])} s per article, "
                     f"{f(d['http_llamacpp']['e2e_over_raw'])}x raw llama.cpp")
    if d.get("ratios"):
        lines += ["", "ratios (transformers / llama.cpp): " + "  ".join(f"{k} {f(v)}" for k, v in d["ratios"].items())]
    lines += ["", "targets:"]
    for key, t in d["targets"].items():
        mark = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        lines.append(f"  {key:<34}{f(t['value']):>8}  {t['target']:<8} {mark}")
    return "\n".join(lines)
