// The journal page: polls /__mock__/journal for entries newer than the last one shown (no reload), filters
// server-side, and opens one entry with its bodies, rule codes, conformance and a curl to replay it.
(() => {
  const body = document.querySelector("#journal tbody");
  const form = document.getElementById("filters");
  const panel = document.getElementById("entry");
  const live = document.getElementById("live");
  let lastId = 0;
  let generation = 0;

  const text = (value) => (value === null || value === undefined ? "" : String(value));
  function cell(row, value, className) {
    const td = document.createElement("td");
    td.textContent = text(value);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }
  function query(extra) {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) params.set(key, value);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    return params.toString();
  }
  function row(entry, fresh) {
    const tr = document.createElement("tr");
    tr.dataset.id = entry.id;
    tr.dataset.status = entry.status;
    if (fresh) tr.className = "new";
    cell(tr, entry.at.slice(11, 23));
    cell(tr, entry.method);
    cell(tr, entry.path + (entry.query ? "?" + entry.query : ""), "path");
    cell(tr, entry.version);
    cell(tr, entry.provider ? entry.provider.name : "");
    cell(tr, entry.status, "status status-" + String(entry.status)[0]);
    cell(tr, entry.duration_ms.toFixed(1));
    cell(tr, entry.rules.join(", "), "rules");
    const conforms = entry.conformance;
    cell(tr, conforms ? (conforms.conforms ? "yes" : "no (" + conforms.issues.length + ")") : "",
         conforms ? (conforms.conforms ? "yes" : "no") : "");
    tr.addEventListener("click", () => open(entry.id, tr));
    return tr;
  }
  async function poll() {
    const mine = generation;
    try {
      const response = await fetch("/__mock__/journal?" + query({ after_id: lastId, limit: 200 }));
      if (!response.ok) throw new Error(response.status);
      const page = await response.json();
      if (mine !== generation) return;
      const entries = page.data;
      for (let i = entries.length - 1; i >= 0; i--) {
        body.insertBefore(row(entries[i], lastId > 0), body.firstChild);
      }
      if (entries.length) lastId = Math.max(lastId, entries[0].id);
      while (body.children.length > page.size) body.removeChild(body.lastChild);
      live.textContent = "live — " + body.children.length + " shown";
    } catch (error) {
      live.textContent = "not connected (" + error + ")";
    }
  }
  function restart() {
    generation += 1;
    lastId = 0;
    body.textContent = "";
    poll();
  }
  function section(title, content, className) {
    const h = document.createElement("h3");
    h.textContent = title;
    panel.appendChild(h);
    if (content !== undefined) {
      const pre = document.createElement("pre");
      pre.textContent = content;
      if (className) pre.className = className;
      panel.appendChild(pre);
    }
  }
  function pretty(part) {
    if (!part.body) return "(empty)";
    try { return JSON.stringify(JSON.parse(part.body), null, 2) + (part.truncated ? "\n… truncated" : ""); }
    catch (_error) { return part.body + (part.truncated ? "\n… truncated" : ""); }
  }
  async function open(id, tr) {
    document.querySelectorAll("#journal tr.selected").forEach((r) => r.classList.remove("selected"));
    tr.classList.add("selected");
    const response = await fetch("/__mock__/journal/" + id);
    panel.hidden = false;
    panel.textContent = "";
    if (!response.ok) { section("Entry " + id + " has left the journal"); return; }
    const entry = (await response.json()).data;
    const h = document.createElement("h2");
    h.textContent = entry.method + " " + entry.path + " → " + entry.status;
    panel.appendChild(h);
    const facts = document.createElement("p");
    facts.className = "facts";
    facts.textContent = entry.at + " · " + (entry.version || "no version") + " · " +
      (entry.provider ? entry.provider.name : "no provider") + " · " + entry.duration_ms.toFixed(1) + " ms";
    panel.appendChild(facts);
    section("Rule codes", entry.rules.length ? entry.rules.join("\n") : "(none)", "entry-rules");
    const c = entry.conformance;
    section("Conforms to the OpenAPI document",
            c ? (c.conforms ? "yes (" + c.operation + ")" : "no — " + c.issues.join("\n")) : "(not an API request)",
            "entry-conformance");
    section("Replay", entry.curl, "entry-curl");
    section("Request body", pretty(entry.request));
    section("Response body", pretty(entry.response), "entry-response");
  }
  form.addEventListener("input", restart);
  form.addEventListener("submit", (event) => { event.preventDefault(); restart(); });
  document.getElementById("clear-journal").addEventListener("click", async () => {
    await fetch("/__mock__/journal", { method: "DELETE" });
    restart();
    panel.hidden = true;
  });
  restart();
  setInterval(poll, 1000);
})();
