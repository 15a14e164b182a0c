// The newsroom page: input, progress by stage, cancel, exports and permalinks around <claimtrace-view>.
import { STAGES, claimsCSV, markdownBrief } from "./claimtrace-view.js";

const $ = (id) => document.getElementById(id);
const view = $("view");
const form = $("form");
const article = $("article");
let controller = null;
let timer = null;
let current = null; // {response, text}

const STAGE_TEXT = {
  ingest: "Reading the article and setting junk aside",
  segment: "Finding paragraphs, sentences and quotes",
  attribute: "Attributing every claim to its source",
  summarize: "Writing the summary with the local model",
  verify: "Checking every summary sentence against the claims",
};

function looksLikeHTML(s) {
  return /^\s*</.test(s) && /<\/(p|div|article|body|html|span|h[1-6]|li|section)>/i.test(s);
}

function request() {
  const body = article.value;
  const format = $("format").value;
  const asHTML = format === "html" || (format === "auto" && looksLikeHTML(body));
  const req = asHTML ? { html: body } : { text: body };
  const title = $("title").value.trim();
  if (title) req.title = title;
  req.options = { summarize: $("summarize").checked, max_sentences: Number($("max-sentences").value), style: $("style").value };
  return req;
}

// ---- progress ----

function startProgress(summarize) {
  const list = $("stages");
  list.replaceChildren();
  for (const s of STAGES) {
    if (s === "summarize" && !summarize) continue;
    const li = document.createElement("li");
    li.dataset.stage = s;
    li.className = "pending";
    li.innerHTML = `<span class="state" aria-hidden="true">○</span> <span class="name"></span> <span class="time muted"></span>`;
    li.querySelector(".name").textContent = STAGE_TEXT[s];
    list.append(li);
  }
  $("progress").hidden = false;
  $("progress-h").firstChild.textContent = "Working ";
  const t0 = performance.now();
  let running = null;
  let runningSince = t0;
  const tick = () => {
    const now = performance.now();
    $("elapsed").textContent = `${((now - t0) / 1000).toFixed(1)} s`;
    if (running) running.querySelector(".time").textContent = `${((now - runningSince) / 1000).toFixed(1)} s`;
  };
  clearInterval(timer);
  timer = setInterval(tick, 100);
  tick();
  return {
    stage(name) {
      const now = performance.now();
      if (running) finish(running, now - runningSince);
      running = list.querySelector(`[data-stage="${name}"]`);
      runningSince = now;
      if (running) {
        running.className = "running";
        running.querySelector(".state").textContent = "◐";
        running.setAttribute("aria-current", "step");
      }
    },
    done(response) {
      clearInterval(timer);
      const timings = (response && response.timings_ms) || {};
      for (const li of list.children) {
        const ms = timings[li.dataset.stage];
        finish(li, ms, ms === undefined);
      }
      $("progress-h").firstChild.textContent = response ? "Done " : "Stopped ";
      $("elapsed").textContent = response && timings.total !== undefined
        ? `${(timings.total / 1000).toFixed(1)} s on the server` : $("elapsed").textContent;
    },
    stop(label) {
      clearInterval(timer);
      $("progress-h").firstChild.textContent = `${label} `;
      if (running) {
        running.className = "stopped";
        running.querySelector(".state").textContent = "×";
        running.removeAttribute("aria-current");
      }
    },
  };
  function finish(li, ms, skipped = false) {
    if (li.className === "done") return;
    li.className = skipped ? li.className : "done";
    li.removeAttribute("aria-current");
    if (!skipped) {
      li.querySelector(".state").textContent = "●";
      li.querySelector(".time").textContent = `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
    }
  }
}

// ---- running ----

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
}

function busy(on) {
  $("run").disabled = on;
  $("cancel").hidden = !on;
  form.setAttribute("aria-busy", String(on));
}

async function analyse(e) {
  e.preventDefault();
  if (controller) return;
  $("error").hidden = true;
  $("result").hidden = true;
  view.clear();
  const req = request();
  const progress = startProgress(req.options.summarize);
  const onStage = (ev) => progress.stage(ev.detail.stage);
  view.addEventListener("claimtrace-stage", onStage);
  controller = new AbortController();
  busy(true);
  try {
    const response = await view.analyze(req, { signal: controller.signal });
    progress.done(response);
    shown(response, req.text !== undefined ? req.text : response.document.text);
    history.replaceState(null, "", `/?id=${response.id}`);
    $("input-panel").open = false;
    $("result").focus();
  } catch (err) {
    if (err.name === "AbortError") {
      progress.stop("Cancelled");
    } else {
      progress.stop("Failed");
      view.clear();
      showError(err.message);
    }
  } finally {
    view.removeEventListener("claimtrace-stage", onStage);
    controller = null;
    busy(false);
  }
}

function shown(response, text) {
  current = { response, text };
  $("result").hidden = false;
  $("permalink").href = `/?id=${response.id}`;
  const m = response.model || {};
  const n = response.claims.length;
  $("meta").textContent = `${n} claim${n === 1 ? "" : "s"} · ${response.sources.length} sources · ${m.name || "?"} (${m.backend || "?"})`;
}

// ---- exports ----

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function baseName() {
  const r = current.response;
  const t = (r.document && r.document.title) || "claimtrace";
  return `${t.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 50) || "claimtrace"}-${r.id.slice(0, 8)}`;
}

$("export-json").addEventListener("click", () => {
  const r = structuredClone(current.response);
  if (r.document.text == null && current.text) r.document.text = current.text; // the offsets' text, for the desk
  download(`${baseName()}.json`, "application/json", JSON.stringify(r, null, 2));
});
$("export-csv").addEventListener("click", () => download(`${baseName()}-claims.csv`, "text/csv", claimsCSV(current.response)));
$("export-md").addEventListener("click", () => download(`${baseName()}-brief.md`, "text/markdown", markdownBrief(current.response)));

// ---- files: drop on the text box or choose one ----

async function readFile(file) {
  if (!file) return;
  const text = await file.text();
  article.value = text;
  $("file-name").textContent = `${file.name} (${text.length.toLocaleString()} characters)`;
  if (/\.html?$/i.test(file.name) || file.type === "text/html") $("format").value = "html";
  else if (/\.txt$/i.test(file.name) || file.type === "text/plain") $("format").value = "text";
}

$("file").addEventListener("change", (e) => readFile(e.target.files[0]));
for (const ev of ["dragenter", "dragover"]) {
  article.addEventListener(ev, (e) => { e.preventDefault(); article.classList.add("drop"); });
}
for (const ev of ["dragleave", "drop"]) article.addEventListener(ev, () => article.classList.remove("drop"));
article.addEventListener("drop", (e) => {
  e.preventDefault();
  const file = e.dataTransfer.files && e.dataTransfer.files[0];
  if (file) readFile(file);
});

form.addEventListener("submit", analyse);
$("cancel").addEventListener("click", () => { if (controller) controller.abort(); });
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && controller) controller.abort();
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && document.activeElement === article) form.requestSubmit();
});

// ---- permalink: /?id=... ----

const id = new URLSearchParams(location.search).get("id");
if (id) {
  $("input-panel").open = false;
  view.load(id).then((r) => shown(r, r.document.text)).catch((err) => {
    view.clear();
    showError(`${err.message}`);
    $("input-panel").open = true;
  });
}
