// <claimtrace-view>: an article with every claim highlighted by its source, the sources panel and
// the cited summary, drawn from a ClaimTrace response. A plain ES module, no build step, no
// dependencies; everything it loads comes from the ClaimTrace server named by `api`.
//
//   <script type="module" src="http://127.0.0.1:8000/static/claimtrace-view.js"></script>
//   <claimtrace-view api="http://127.0.0.1:8000" result-id="107b5ddc..."></claimtrace-view>
//   <claimtrace-view api="http://127.0.0.1:8000" article="Full text of the article ..."></claimtrace-view>
//
// Attributes: api (base URL of the ClaimTrace server; default: the page's own origin), result-id
// (a stored result, GET /v1/results/{id}), article (a text to analyse), article-title, summary
// ("off" skips the model), max-sentences (1-6). From script: `el.analyze(request, {signal})`
// (POST /v1/summarize/stream; resolves to the response), `el.load(id)`, `el.setResult(response, text)`.
// Events: claimtrace-stage {stage, elapsed_ms}, claimtrace-result {response}, claimtrace-error
// {message, code, status}. A page on another origin needs CLAIMTRACE_CORS_ORIGINS on the server.

// Paul Tol's "light" scheme: distinguishable with the common colour-vision deficiencies and dark
// text stays readable on every one. Colour is never alone: each claim also carries its source label.
export const PALETTE = ["#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#DDDDDD"];
export const LOW_CONFIDENCE = 0.6;
export const STAGES = ["ingest", "segment", "attribute", "summarize", "verify"];

const CSS_URL = new URL("./claimtrace-view.css", import.meta.url).href;

export class ClaimTraceError extends Error {
  constructor(message, code = "error", status = 0) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function apiBase(el) {
  const attr = el.getAttribute("api");
  return (attr || window.location.origin).replace(/\/+$/, "");
}

async function errorFrom(resp) {
  let body = null;
  try { body = await resp.json(); } catch { /* not JSON */ }
  const err = body && body.error;
  return new ClaimTraceError(err ? err.message : `HTTP ${resp.status} ${resp.statusText}`, err ? err.code : "http_error", resp.status);
}

// ---- colours and labels ----

export function sourceStyles(response) {
  // {source_id: {label, color, reporter, index}} in the order of `sources`
  const out = {};
  let n = 0;
  for (const s of response.sources) {
    if (s.type === "reporter") {
      out[s.id] = { label: "R", color: null, reporter: true, index: -1 };
    } else {
      out[s.id] = { label: s.id.toUpperCase(), color: PALETTE[n % PALETTE.length], reporter: false, index: n, cycle: Math.floor(n / PALETTE.length) };
      n += 1;
    }
  }
  return out;
}

// ---- exports for the desk ----

function csvCell(v) {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function claimsCSV(response) {
  const sources = Object.fromEntries(response.sources.map((s) => [s.id, s]));
  const rows = [["claim_id", "source", "source_type", "kind", "cue", "content", "start", "end", "source_mention", "confidence"]];
  for (const c of response.claims) {
    const s = sources[c.source_id] || {};
    rows.push([c.id, s.name, s.type, c.kind, c.cue ? c.cue.text : "", c.content.text, c.content.start, c.content.end,
      c.source_mention ? c.source_mention.text : "", c.confidence]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function markdownBrief(response) {
  const sources = Object.fromEntries(response.sources.map((s) => [s.id, s]));
  const claims = Object.fromEntries(response.claims.map((c) => [c.id, c]));
  const doc = response.document || {};
  const lines = [`# ${doc.title || "Article brief"}`, ""];
  if (doc.url) lines.push(`<${doc.url}>`, "");
  lines.push("## Summary", "");
  if (!response.summary.length) lines.push("_No summary._");
  for (const s of response.summary) {
    const names = [...new Set(s.claim_ids.map((id) => claims[id] && sources[claims[id].source_id]).filter(Boolean)
      .map((src) => (src.type === "reporter" ? "the reporter" : src.name)))];
    const cites = s.claim_ids.length ? ` [${s.claim_ids.join(", ")}]` : "";
    const who = names.length ? ` (source: ${names.join("; ")})` : "";
    lines.push(`- ${s.text}${who}${cites}${s.verified === false ? " _(unverified)_" : ""}`);
  }
  lines.push("", "## Claims by source", "");
  for (const src of response.sources) {
    const mine = response.claims.filter((c) => c.source_id === src.id);
    if (!mine.length) continue;
    const about = [src.type, src.description].filter(Boolean).join(", ");
    lines.push(`### ${src.type === "reporter" ? "The reporter (unsourced)" : src.name}${about ? ` (${about})` : ""}`, "");
    for (const c of mine) {
      const cue = c.cue ? `, cue "${c.cue.text}"` : "";
      lines.push(`- "${c.content.text}" (${c.id}, ${c.kind}${cue}, confidence ${c.confidence.toFixed(2)})`);
    }
    lines.push("");
  }
  if (response.warnings && response.warnings.length) {
    lines.push("## Warnings", "", ...response.warnings.map((w) => `- ${w}`), "");
  }
  return lines.join("\n");
}

// ---- the article as nested spans ----

// Each range becomes one element; ranges that cross are split, and the later pieces are marked
// as continuations (only the first piece of a claim is focusable and carries its label).
function layersOf(response, length) {
  const layers = [];
  const clip = (s, e) => [Math.max(0, Math.min(s, length)), Math.max(0, Math.min(e, length))];
  for (const r of (response.document && response.document.removed) || []) {
    const [s, e] = clip(r.start, r.end);
    if (e > s) layers.push({ kind: "removed", start: s, end: e, rank: 0, data: r });
  }
  for (const c of response.claims) {
    const [s, e] = clip(c.content.start, c.content.end);
    if (e > s) layers.push({ kind: "claim", start: s, end: e, rank: 1, data: c });
    for (const [kind, span] of [["cue", c.cue], ["mention", c.source_mention]]) {
      if (!span) continue;
      const [a, b] = clip(span.start, span.end);
      if (b > a) layers.push({ kind, start: a, end: b, rank: 2, data: c });
    }
  }
  return layers;
}

function order(a, b) {
  return a.rank - b.rank || (b.end - b.start) - (a.end - a.start) || a.start - b.start;
}

function renderArticle(root, text, response, styles, make) {
  const layers = layersOf(response, text.length);
  const points = new Set([0, text.length]);
  for (const l of layers) { points.add(l.start); points.add(l.end); }
  const cuts = [...points].sort((a, b) => a - b);
  const stack = []; // [{layer, el}]
  const opened = new Set();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i], b = cuts[i + 1];
    const active = layers.filter((l) => l.start <= a && l.end >= b).sort(order);
    let keep = 0;
    while (keep < stack.length && keep < active.length && stack[keep].layer === active[keep]) keep++;
    stack.length = keep;
    for (let j = keep; j < active.length; j++) {
      const layer = active[j];
      const el = make(layer, !opened.has(layer), styles);
      opened.add(layer);
      (stack.length ? stack[stack.length - 1].el : root).appendChild(el);
      stack.push({ layer, el });
    }
    (stack.length ? stack[stack.length - 1].el : root).appendChild(document.createTextNode(text.slice(a, b)));
  }
}

// ---- the element ----

const TEMPLATE = `
<div class="ct-root" part="root">
  <div class="ct-status" role="status" aria-live="polite" hidden></div>
  <div class="ct-error" role="alert" hidden></div>
  <div class="ct-result" hidden>
    <section class="ct-summary" aria-labelledby="ct-summary-h">
      <h2 id="ct-summary-h">Summary</h2>
      <ol class="ct-sentences"></ol>
      <p class="ct-none" hidden>No summary for this article.</p>
    </section>
    <section class="ct-warnings" aria-labelledby="ct-warnings-h" hidden>
      <h2 id="ct-warnings-h">Warnings</h2>
      <ul></ul>
    </section>
    <div class="ct-main">
      <section class="ct-article" aria-labelledby="ct-article-h">
        <h2 id="ct-article-h">Article</h2>
        <details class="ct-legend">
          <summary>How to read the highlights</summary>
          <ul>
            <li><mark class="ct-claim ct-key" style="--t:${PALETTE[0]}"><span class="ct-label" aria-hidden="true">S1</span>a claim</mark>
              coloured and labelled by its source (hover or focus it for details)</li>
            <li><span class="ct-cue">said</span> the cue (solid underline) and <span class="ct-mention">she</span> the source mention (dotted underline)</li>
            <li><mark class="ct-claim ct-reporter ct-key"><span class="ct-label" aria-hidden="true">R</span>an unsourced claim</mark> the reporter's own assertion (dashed outline)</li>
            <li><mark class="ct-claim ct-low ct-key" style="--t:${PALETTE[0]}"><span class="ct-label" aria-hidden="true">S1?</span>a weak claim</mark>
              confidence below ${LOW_CONFIDENCE} (striped, label with ?)</li>
            <li><span class="ct-removed ct-key" data-reason="advertisement">removed junk</span> kept in place, greyed out</li>
          </ul>
        </details>
        <div class="ct-text"></div>
      </section>
      <aside class="ct-sources" aria-labelledby="ct-sources-h">
        <h2 id="ct-sources-h">Sources</h2>
        <label class="ct-filter">Filter sources <input type="search" class="ct-filter-input" placeholder="name or type"></label>
        <ul class="ct-source-list"></ul>
        <div class="ct-stepper" hidden>
          <p class="ct-step-label" aria-live="polite"></p>
          <div class="ct-step-buttons">
            <button type="button" class="ct-prev">&larr; Previous</button>
            <button type="button" class="ct-next">Next &rarr;</button>
            <button type="button" class="ct-all">Show all sources</button>
          </div>
        </div>
      </aside>
    </div>
  </div>
  <div class="ct-tip" role="tooltip" id="ct-tip" hidden></div>
</div>`;

export class ClaimTraceView extends HTMLElement {
  static get observedAttributes() { return ["result-id", "article"]; }

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: "open" });
    shadow.innerHTML = `<link rel="stylesheet" href="${CSS_URL}">${TEMPLATE}`;
    this.$ = (sel) => shadow.querySelector(sel);
    this.response = null;
    this.text = "";
    this.selected = null;
    this.step = -1;
    this._wire();
  }

  connectedCallback() { this._fromAttributes(); }

  attributeChangedCallback() { if (this.isConnected) this._fromAttributes(); }

  _fromAttributes() {
    const id = this.getAttribute("result-id");
    const article = this.getAttribute("article");
    const key = `${id}|${article}`;
    if (key === this._attrKey) return;
    this._attrKey = key;
    const run = id ? this.load(id) : article ? this.analyze(this._requestFromAttributes(article)) : null;
    if (run) run.catch(() => { /* shown by the element */ });
  }

  _requestFromAttributes(article) {
    const options = {};
    if (this.getAttribute("summary") === "off") options.summarize = false;
    const n = parseInt(this.getAttribute("max-sentences") || "", 10);
    if (n >= 1 && n <= 6) options.max_sentences = n;
    const req = { text: article, options };
    if (this.getAttribute("article-title")) req.title = this.getAttribute("article-title");
    return req;
  }

  // ---- talking to the server ----

  async load(id) {
    this._busy(`Loading result ${id.slice(0, 12)}…`);
    try {
      const resp = await fetch(`${apiBase(this)}/v1/results/${encodeURIComponent(id)}`, { headers: { accept: "application/json" } });
      if (!resp.ok) throw await errorFrom(resp);
      const data = await resp.json();
      this.setResult(data, data.document.text);
      return data;
    } catch (e) {
      this._fail(e);
      throw e;
    }
  }

  async analyze(request, { signal } = {}) {
    const t0 = performance.now();
    this._busy("Sending the article…");
    try {
      const resp = await fetch(`${apiBase(this)}/v1/summarize/stream`, {
        method: "POST", headers: { "content-type": "application/json", accept: "application/x-ndjson" },
        body: JSON.stringify(request), signal,
      });
      if (!resp.ok) throw await errorFrom(resp);
      const reader = resp.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let result = null;
      for (;;) {
        const { value, done } = await reader.read();
        if (value) buffer += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line);
          if (ev.event === "stage") {
            this._busy(`Running: ${ev.stage} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
            this.dispatchEvent(new CustomEvent("claimtrace-stage", { detail: ev, bubbles: true, composed: true }));
          } else if (ev.event === "error") {
            throw new ClaimTraceError(ev.error.message, ev.error.code, ev.status);
          } else if (ev.event === "result") {
            result = ev.response;
          }
        }
        if (done) break;
      }
      if (!result) throw new ClaimTraceError("the server closed the stream before the result", "incomplete", 0);
      const text = result.document.text != null ? result.document.text : request.text;
      this.setResult(result, text);
      return result;
    } catch (e) {
      if (e.name === "AbortError") {
        this._busy("");
        throw e;
      }
      this._fail(e);
      throw e;
    }
  }

  _busy(message) {
    const status = this.$(".ct-status");
    status.textContent = message;
    status.hidden = !message;
    this.$(".ct-error").hidden = true;
  }

  _fail(e) {
    this.$(".ct-status").hidden = true;
    const box = this.$(".ct-error");
    box.textContent = e.message || String(e);
    box.hidden = false;
    this.dispatchEvent(new CustomEvent("claimtrace-error", {
      detail: { message: e.message, code: e.code, status: e.status }, bubbles: true, composed: true,
    }));
  }

  // ---- drawing ----

  setResult(response, text) {
    this.response = response;
    this.text = text || "";
    this.styles = sourceStyles(response);
    this.sources = Object.fromEntries(response.sources.map((s) => [s.id, s]));
    this.claims = Object.fromEntries(response.claims.map((c) => [c.id, c]));
    this.$(".ct-status").hidden = true;
    this.$(".ct-error").hidden = true;
    this._drawSummary();
    this._drawWarnings();
    this._drawArticle();
    this._drawSources();
    this._select(null);
    this.$(".ct-result").hidden = false;
    this.dispatchEvent(new CustomEvent("claimtrace-result", { detail: { response }, bubbles: true, composed: true }));
  }

  clear() {
    this.response = null;
    this.$(".ct-result").hidden = true;
    this.$(".ct-status").hidden = true;
    this.$(".ct-error").hidden = true;
  }

  _sourceName(src) { return src.type === "reporter" ? "The reporter (unsourced)" : src.name; }

  _labelOf(claim) {
    const st = this.styles[claim.source_id];
    return st ? st.label + (claim.confidence < LOW_CONFIDENCE ? "?" : "") : "?";
  }

  _drawSummary() {
    const list = this.$(".ct-sentences");
    list.replaceChildren();
    const r = this.response;
    // no summary asked for (options.summarize false): no summary section; asked for but empty: say so
    this.$(".ct-summary").hidden = !r.summary.length && !("summarize" in (r.prompt_versions || {}));
    this.$(".ct-none").hidden = r.summary.length > 0;
    for (const s of r.summary) {
      const li = document.createElement("li");
      li.append(document.createTextNode(s.text + " "));
      for (const id of s.claim_ids) {
        const c = this.claims[id];
        if (!c) continue;
        const src = this.sources[c.source_id];
        const st = this.styles[c.source_id];
        const chip = document.createElement("button");
        chip.type = "button";
        chip.className = "ct-chip" + (st.reporter ? " ct-reporter" : "");
        if (st.color) chip.style.setProperty("--t", st.color);
        chip.dataset.claim = id;
        chip.textContent = `${st.label} ${id}`;
        chip.setAttribute("aria-label", `Go to claim ${id}, ${this._sourceName(src)}`);
        chip.title = `${this._sourceName(src)}: "${c.content.text}"`;
        li.append(chip, document.createTextNode(" "));
      }
      if (s.verified === false) {
        const badge = document.createElement("span");
        badge.className = "ct-unverified";
        badge.textContent = "unverified";
        li.append(badge);
      }
      list.append(li);
    }
  }

  _drawWarnings() {
    const box = this.$(".ct-warnings");
    const ul = box.querySelector("ul");
    ul.replaceChildren(...(this.response.warnings || []).map((w) => Object.assign(document.createElement("li"), { textContent: w })));
    box.hidden = !(this.response.warnings || []).length;
  }

  _drawArticle() {
    const root = this.$(".ct-text");
    root.replaceChildren();
    if (!this.text) {
      // a stored result whose article text was not kept: show the claims on their own
      const note = Object.assign(document.createElement("p"), { className: "ct-note", textContent: "The article text was not stored with this result; its claims are listed on their own." });
      root.append(note);
      for (const c of [...this.response.claims].sort((a, b) => a.content.start - b.content.start)) {
        const p = document.createElement("p");
        p.append(this._makeClaim(c, true));
        p.firstChild.append(document.createTextNode(c.content.text));
        root.append(p);
      }
      return;
    }
    renderArticle(root, this.text, { ...this.response, document: this.response.document }, this.styles, (layer, first) => {
      if (layer.kind === "claim") return this._makeClaim(layer.data, first);
      const span = document.createElement("span");
      if (layer.kind === "removed") {
        span.className = "ct-removed" + (first ? " ct-head" : "");
        span.dataset.reason = layer.data.reason;
        span.title = `removed as ${layer.data.reason}: not part of the article`;
      } else {
        span.className = layer.kind === "cue" ? "ct-cue" : "ct-mention";
        span.dataset.claim = layer.data.id;
        span.dataset.source = layer.data.source_id;
      }
      return span;
    });
  }

  _makeClaim(c, first) {
    const st = this.styles[c.source_id] || { label: "?", color: null, reporter: false };
    const mark = document.createElement("mark");
    mark.className = "ct-claim" + (first ? " ct-head" : " ct-cont") + (st.reporter ? " ct-reporter" : "") +
      (c.confidence < LOW_CONFIDENCE ? " ct-low" : "") + (st.cycle ? ` ct-cycle${Math.min(st.cycle, 2)}` : "");
    mark.dataset.claim = c.id;
    mark.dataset.source = c.source_id;
    mark.dataset.kind = c.kind;
    if (st.color) mark.style.setProperty("--t", st.color);
    if (first) {
      mark.id = `claim-${c.id}`;
      mark.tabIndex = 0;
      mark.setAttribute("aria-describedby", "ct-tip");
      const label = document.createElement("span");
      label.className = "ct-label";
      label.setAttribute("aria-hidden", "true");
      label.textContent = this._labelOf(c);
      mark.append(label);
      const sr = document.createElement("span");
      sr.className = "ct-sr";
      sr.textContent = `${this._sourceName(this.sources[c.source_id] || { name: c.source_id })}: `;
      mark.append(sr);
    }
    return mark;
  }

  _drawSources() {
    const ul = this.$(".ct-source-list");
    ul.replaceChildren();
    const counts = {};
    for (const c of this.response.claims) counts[c.source_id] = (counts[c.source_id] || 0) + 1;
    this.$("#ct-sources-h").textContent = `Sources (${this.response.sources.length})`;
    for (const s of this.response.sources) {
      const st = this.styles[s.id];
      const li = document.createElement("li");
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "ct-source";
      btn.dataset.source = s.id;
      btn.setAttribute("aria-pressed", "false");
      const n = counts[s.id] || 0;
      const swatch = Object.assign(document.createElement("span"), { className: "ct-swatch" + (st.reporter ? " ct-reporter" : ""), textContent: st.label });
      swatch.setAttribute("aria-hidden", "true");
      if (st.color) swatch.style.setProperty("--t", st.color);
      const body = document.createElement("span");
      body.className = "ct-source-body";
      body.append(
        Object.assign(document.createElement("span"), { className: "ct-source-name", textContent: this._sourceName(s) }),
        Object.assign(document.createElement("span"), { className: "ct-source-meta", textContent: `${s.type} · ${n} claim${n === 1 ? "" : "s"}` }),
      );
      if (s.description) body.append(Object.assign(document.createElement("span"), { className: "ct-source-desc", textContent: s.description }));
      btn.append(swatch, body);
      btn.dataset.filter = `${s.name} ${s.type} ${s.description || ""}`.toLowerCase();
      li.append(btn);
      ul.append(li);
    }
    this.$(".ct-filter-input").value = "";
  }

  // ---- interaction ----

  _wire() {
    const shadow = this.shadowRoot;
    shadow.addEventListener("click", (e) => {
      const chip = e.target.closest(".ct-chip");
      if (chip) { this.focusClaim(chip.dataset.claim); return; }
      const src = e.target.closest(".ct-source");
      if (src) { this._select(this.selected === src.dataset.source ? null : src.dataset.source); return; }
      if (e.target.closest(".ct-prev")) this._step(-1);
      else if (e.target.closest(".ct-next")) this._step(1);
      else if (e.target.closest(".ct-all")) this._select(null);
    });
    shadow.addEventListener("input", (e) => {
      if (!e.target.classList.contains("ct-filter-input")) return;
      const q = e.target.value.trim().toLowerCase();
      for (const b of shadow.querySelectorAll(".ct-source")) b.parentElement.hidden = q !== "" && !b.dataset.filter.includes(q);
    });
    const tipOn = (e) => {
      const mark = e.target.closest && e.target.closest(".ct-claim:not(.ct-key)");
      if (mark) this._showTip(mark);
    };
    shadow.addEventListener("mouseover", tipOn);
    shadow.addEventListener("focusin", tipOn);
    shadow.addEventListener("mouseout", (e) => { if (e.target.closest && e.target.closest(".ct-claim")) this._hideTip(); });
    shadow.addEventListener("focusout", () => this._hideTip());
    shadow.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this._hideTip();
      const mark = e.target.closest && e.target.closest(".ct-claim.ct-head");
      if (mark && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); this._select(mark.dataset.source); this._focusStep(mark.dataset.claim); }
    });
    // the tip follows its claim while the page scrolls (a citation jump scrolls smoothly)
    let queued = false;
    const follow = () => {
      if (queued || !this._tipFor) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; if (this._tipFor) this._placeTip(this._tipFor); });
    };
    window.addEventListener("scroll", follow, { passive: true });
    window.addEventListener("resize", follow, { passive: true });
  }

  focusClaim(id) {
    const mark = this.shadowRoot.getElementById(`claim-${id}`);
    if (!mark) return false;
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    mark.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
    mark.focus({ preventScroll: true });
    mark.classList.remove("ct-flash");
    void mark.offsetWidth; // restart the animation
    mark.classList.add("ct-flash");
    return true;
  }

  _claimsOf(sourceId) {
    return this.response.claims.filter((c) => c.source_id === sourceId).sort((a, b) => a.content.start - b.content.start);
  }

  _select(sourceId) {
    this.selected = sourceId;
    this.step = -1;
    const root = this.$(".ct-root");
    root.classList.toggle("ct-filtered", !!sourceId);
    for (const m of this.shadowRoot.querySelectorAll(".ct-claim, .ct-cue, .ct-mention")) {
      m.classList.toggle("ct-sel", !!sourceId && m.dataset.source === sourceId);
    }
    for (const b of this.shadowRoot.querySelectorAll(".ct-source")) b.setAttribute("aria-pressed", String(b.dataset.source === sourceId));
    const stepper = this.$(".ct-stepper");
    stepper.hidden = !sourceId;
    if (sourceId) {
      const n = this._claimsOf(sourceId).length;
      this.$(".ct-step-label").textContent = `${this._sourceName(this.sources[sourceId])}: ${n} claim${n === 1 ? "" : "s"}. Use Next to step through them.`;
      this.$(".ct-prev").disabled = this.$(".ct-next").disabled = n === 0;
    }
  }

  _focusStep(claimId) {
    const list = this._claimsOf(this.selected);
    this.step = Math.max(0, list.findIndex((c) => c.id === claimId));
    this._announceStep(list);
  }

  _step(delta) {
    const list = this._claimsOf(this.selected);
    if (!list.length) return;
    this.step = this.step < 0 ? (delta > 0 ? 0 : list.length - 1) : (this.step + delta + list.length) % list.length;
    this._announceStep(list);
    this.focusClaim(list[this.step].id);
  }

  _announceStep(list) {
    this.$(".ct-step-label").textContent = `${this._sourceName(this.sources[this.selected])}: claim ${this.step + 1} of ${list.length}`;
  }

  _showTip(mark) {
    const c = this.claims && this.claims[mark.dataset.claim];
    if (!c) return;
    const src = this.sources[c.source_id] || { name: c.source_id, type: "" };
    const tip = this.$(".ct-tip");
    const rows = [
      ["Source", this._sourceName(src)], ["Type", src.type], ["About", src.description],
      ["Kind", c.kind], ["Cue", c.cue ? `“${c.cue.text}”` : null],
      ["Said as", c.source_mention ? `“${c.source_mention.text}”` : null],
      ["Confidence", `${Math.round(c.confidence * 100)}%${c.confidence < LOW_CONFIDENCE ? " (low)" : ""}`], ["Claim", c.id],
    ].filter(([, v]) => v);
    tip.replaceChildren(...rows.map(([k, v]) => {
      const row = document.createElement("div");
      row.append(Object.assign(document.createElement("b"), { textContent: `${k}: ` }), document.createTextNode(v));
      return row;
    }));
    tip.hidden = false;
    this._tipFor = mark;
    this._placeTip(mark);
  }

  _placeTip(mark) {
    const tip = this.$(".ct-tip");
    const r = mark.getClientRects()[0] || mark.getBoundingClientRect();
    const w = Math.min(320, window.innerWidth - 16);
    tip.style.maxWidth = `${w}px`;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
    const below = r.bottom + 8 + tip.offsetHeight < window.innerHeight;
    tip.style.left = `${left}px`;
    tip.style.top = `${below ? r.bottom + 6 : Math.max(8, r.top - tip.offsetHeight - 6)}px`;
  }

  _hideTip() {
    this._tipFor = null;
    this.$(".ct-tip").hidden = true;
  }
}

if (!customElements.get("claimtrace-view")) customElements.define("claimtrace-view", ClaimTraceView);
