// deblur's page: upload a photo, pick a region, follow the job live, compare
// and download. Plain JavaScript against the JSON API of docs/web.md.
"use strict";

const $ = (id) => document.getElementById(id);
let file = null;          // the chosen File
let image = null;         // its decoded HTMLImageElement (for the region)
let region = null;        // {x, y, w, h} in image pixels, or null
let current = null;       // the job shown
let stream = null;        // its EventSource

// ---- choosing a photo and a region ----

function choose(f) {
  if (!f) return;
  file = f;
  region = null;
  const url = URL.createObjectURL(f);
  const img = new Image();
  img.onload = () => {
    image = img;
    $("picked").hidden = false;
    $("picked-name").textContent = f.name;
    $("picked-size").textContent = img.naturalWidth + " x " + img.naturalHeight + " px";
    draw();
  };
  img.onerror = () => {
    // TIFF and other formats the browser cannot show: upload without a preview.
    image = null;
    $("picked").hidden = false;
    $("picked-name").textContent = f.name;
    $("picked-size").textContent = "(no preview in this browser)";
  };
  img.src = url;
  regionText();
}

function scale() {
  const c = $("canvas");
  return image ? c.width / image.naturalWidth : 1;
}

function draw() {
  const c = $("canvas");
  if (!image) return;
  const maxW = Math.min(640, c.parentElement.clientWidth || 640);
  const s = Math.min(1, maxW / image.naturalWidth);
  c.width = Math.round(image.naturalWidth * s);
  c.height = Math.round(image.naturalHeight * s);
  const g = c.getContext("2d");
  g.drawImage(image, 0, 0, c.width, c.height);
  if (region) {
    g.fillStyle = "rgba(0,0,0,0.45)";
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(image, region.x, region.y, region.w, region.h, region.x * s, region.y * s, region.w * s, region.h * s);
    g.strokeStyle = "#ffcc00";
    g.lineWidth = 2;
    g.strokeRect(region.x * s, region.y * s, region.w * s, region.h * s);
  }
}

function regionText() {
  $("region-text").textContent = region ? `${region.x},${region.y},${region.w},${region.h}` : "chosen by deblur";
}

let dragFrom = null;
function canvasPoint(ev) {
  const r = $("canvas").getBoundingClientRect();
  const s = scale();
  return {
    x: Math.max(0, Math.min(image.naturalWidth, Math.round((ev.clientX - r.left) / s))),
    y: Math.max(0, Math.min(image.naturalHeight, Math.round((ev.clientY - r.top) / s))),
  };
}

function setupRegion() {
  const c = $("canvas");
  c.addEventListener("pointerdown", (ev) => { if (image) { dragFrom = canvasPoint(ev); c.setPointerCapture(ev.pointerId); } });
  c.addEventListener("pointermove", (ev) => {
    if (!dragFrom) return;
    const p = canvasPoint(ev);
    const x = Math.min(p.x, dragFrom.x), y = Math.min(p.y, dragFrom.y);
    const w = Math.abs(p.x - dragFrom.x), h = Math.abs(p.y - dragFrom.y);
    region = w > 4 && h > 4 ? { x, y, w, h } : null;
    draw();
    regionText();
  });
  c.addEventListener("pointerup", () => { dragFrom = null; });
  $("clear-region").addEventListener("click", () => { region = null; draw(); regionText(); });
}

function setupDrop() {
  const d = $("drop");
  d.addEventListener("dragover", (ev) => { ev.preventDefault(); d.classList.add("over"); });
  d.addEventListener("dragleave", () => d.classList.remove("over"));
  d.addEventListener("drop", (ev) => {
    ev.preventDefault();
    d.classList.remove("over");
    if (ev.dataTransfer.files.length) choose(ev.dataTransfer.files[0]);
  });
  $("file").addEventListener("change", (ev) => choose(ev.target.files[0]));
}

// ---- starting, following and showing jobs ----

function settingsForm(from) {
  const fd = new FormData();
  if (from) fd.append("from", from);
  else fd.append("image", file, file.name);
  for (const name of ["method", "kernel_size", "iters", "seed"]) {
    const v = $(name).value.trim();
    if (v !== "") fd.append(name, v);
  }
  if (region && !from) fd.append("region", `${region.x},${region.y},${region.w},${region.h}`);
  return fd;
}

async function submit(fd) {
  $("form-error").textContent = "";
  const res = await fetch("/api/jobs", { method: "POST", body: fd });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    $("form-error").textContent = body.error || res.statusText;
    return;
  }
  await refreshJobs();
  show(body.id);
}

async function refreshJobs() {
  const res = await fetch("/api/jobs");
  if (!res.ok) return;
  const jobs = await res.json();
  const ul = $("jobs");
  ul.replaceChildren();
  $("no-jobs").hidden = jobs.length > 0;
  for (const j of jobs) {
    const li = document.createElement("li");
    li.dataset.id = j.id;
    li.className = "job " + j.state + (current === j.id ? " selected" : "");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = j.name;
    const state = document.createElement("span");
    state.className = "badge";
    state.textContent = j.state;
    li.append(name, state);
    li.addEventListener("click", () => show(j.id));
    ul.append(li);
  }
}

function fmtTime(s) {
  s = Math.round(s);
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

function render(st) {
  $("job-view").hidden = false;
  $("job-title").textContent = st.name;
  const set = st.settings;
  const parts = [st.state, set.method];
  if (set.kernel_size) parts.push("kernel " + set.kernel_size + " px");
  if (set.region) parts.push("region " + set.region.join(","));
  $("job-state").textContent = parts.join(" · ");
  const running = st.state === "running" || st.state === "queued";
  $("running").hidden = !running;
  $("job-error").textContent = st.state === "failed" ? st.error : "";
  if (running) progressText(st.progress, st.state);
  $("result").hidden = st.state !== "done";
  if (st.state === "done") showResult(st);
  for (const li of $("jobs").children) li.classList.toggle("selected", li.dataset.id === st.id);
}

function progressText(p, state) {
  if (state === "queued") {
    $("progress-text").textContent = "waiting for a free worker…";
    $("bar").removeAttribute("value");
    return;
  }
  $("bar").value = p.percent || 0;
  let t = `${p.stage || ""} iteration ${p.iter} of ${p.total}`;
  if (p.loss) t += `, loss ${p.loss.toPrecision(4)}`;
  t += `, elapsed ${fmtTime(p.elapsed_seconds)}`;
  if (p.eta_seconds) t += `, about ${fmtTime(p.eta_seconds)} left`;
  if (p.message) t += ` (${p.message})`;
  $("progress-text").textContent = t;
}

let lastSnapshot = -1;
function live(id, p) {
  if (!p.snapshot || p.snapshot === lastSnapshot) return;
  lastSnapshot = p.snapshot;
  $("live-kernel").src = `/api/jobs/${id}/live/kernel.png?n=${p.snapshot}`;
  $("live-preview").src = `/api/jobs/${id}/live/preview.png?n=${p.snapshot}`;
}

async function showResult(st) {
  const base = `/api/jobs/${st.id}`;
  const v = "?v=" + encodeURIComponent(st.finished || "");
  $("before").src = base + "/input.png" + v;
  $("after").src = base + "/image.png" + v;
  $("live-kernel").src = base + "/kernel.png" + v;
  $("live-preview").removeAttribute("src");
  $("preview-figure").hidden = true;
  $("kernel-caption").textContent = "estimated kernel";
  $("dl-image").href = base + "/image.png?download=1";
  $("dl-kernel").href = base + "/kernel.png?download=1";
  $("dl-report").href = base + "/report.json?download=1";
  const res = await fetch(base + "/report.json");
  $("report").textContent = res.ok ? JSON.stringify(await res.json(), null, 2) : "";
  slide();
}

// slide shows the comparison at least 480 px wide (small images are enlarged
// up to 4x, pixel for pixel, so detail stays visible) and never wider than
// the page, then moves the split to the slider.
function slide() {
  const after = $("after");
  if (after.naturalWidth) {
    const room = $("compare").parentElement.clientWidth;
    const want = Math.max(after.naturalWidth, Math.min(480, 4 * after.naturalWidth));
    after.style.width = Math.min(room, want) + "px";
  }
  $("before").style.width = after.clientWidth + "px";
  $("before-clip").style.width = $("slider").value + "%";
}

function show(id) {
  if (stream) { stream.close(); stream = null; }
  current = id;
  lastSnapshot = -1;
  $("live-kernel").removeAttribute("src");
  $("live-preview").removeAttribute("src");
  $("preview-figure").hidden = false;
  $("kernel-caption").textContent = "kernel";
  stream = new EventSource(`/api/jobs/${id}/events`);
  stream.addEventListener("status", (ev) => render(JSON.parse(ev.data)));
  stream.addEventListener("progress", (ev) => {
    const p = JSON.parse(ev.data);
    progressText(p, "running");
    live(id, p);
  });
  stream.addEventListener("end", (ev) => {
    stream.close();
    stream = null;
    render(JSON.parse(ev.data));
    refreshJobs();
  });
  stream.onerror = () => { if (stream) { stream.close(); stream = null; } };
}

function setupJobs() {
  $("settings").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!file) { $("form-error").textContent = "Choose a photo first."; return; }
    submit(settingsForm(null));
  });
  $("cancel").addEventListener("click", async () => {
    if (current) { await fetch(`/api/jobs/${current}`, { method: "DELETE" }); refreshJobs(); }
  });
  $("delete").addEventListener("click", async () => {
    if (!current) return;
    await fetch(`/api/jobs/${current}`, { method: "DELETE" });
    current = null;
    $("job-view").hidden = true;
    refreshJobs();
  });
  $("rerun").addEventListener("click", () => { if (current) submit(settingsForm(current)); });
  $("slider").addEventListener("input", slide);
  $("after").addEventListener("load", slide);
  window.addEventListener("resize", slide);
}

setupDrop();
setupRegion();
setupJobs();
refreshJobs().then(() => {
  const first = $("jobs").firstElementChild;
  if (first) show(first.dataset.id);
});
setInterval(refreshJobs, 5000);
