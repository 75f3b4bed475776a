// dl-grader course server: upload without leaving the page, and a submission page that fills in by itself.
"use strict";

function csrf() {
  const main = document.querySelector("main");
  return main ? main.dataset.csrf : "";
}

function setupUpload() {
  const form = document.getElementById("upload");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("upload-error");
    error.hidden = true;
    const data = new FormData();
    for (const file of document.getElementById("files").files) data.append("files", file, file.name);
    const button = document.getElementById("submit");
    button.disabled = true;
    try {
      const response = await fetch(form.dataset.api, {method: "POST", body: data, credentials: "same-origin",
                                                      headers: {"X-CSRF-Token": csrf()}});
      const body = await response.json().catch(() => ({error: "the server's answer could not be read"}));
      if (response.status === 202) {
        window.location.assign("/submissions/" + encodeURIComponent(body.id));
        return;
      }
      error.textContent = body.error || ("the upload failed (" + response.status + ")");
      error.hidden = false;
    } catch (e) {
      error.textContent = "the upload failed: " + e;
      error.hidden = false;
    }
    button.disabled = false;
  });
}

function setupSubmission() {
  const box = document.getElementById("submission");
  if (!box) return;
  const id = box.dataset.id;
  let status = box.dataset.status;
  if (status !== "queued" && status !== "grading") return;
  const poll = async () => {
    try {
      const response = await fetch("/api/v1/submissions/" + encodeURIComponent(id), {credentials: "same-origin"});
      if (response.ok) {
        const body = await response.json();
        status = body.status;
        const badge = document.getElementById("status");
        badge.textContent = badge.dataset[status] || status;
        badge.className = "status " + status;
        if (status === "done") {
          document.getElementById("waiting").hidden = true;
          document.getElementById("score").textContent = body.points + " / " + body.max_points;
          const frame = document.getElementById("feedback");
          frame.src = "/submissions/" + encodeURIComponent(id) + "/feedback";
          frame.hidden = false;
          return;
        }
        if (status === "failed") {
          document.getElementById("waiting").hidden = true;
          const failure = document.getElementById("failure");
          failure.textContent = body.failure || "no grade";
          failure.hidden = false;
          return;
        }
      }
    } catch (e) { /* the server restarts: keep asking */ }
    setTimeout(poll, 400);
  };
  setTimeout(poll, 200);
}

function setupQueue() {
  // The dashboard's queue line follows the queue (a regrade's progress, submissions arriving).
  const line = document.getElementById("queue-counts");
  if (!line) return;
  const poll = async () => {
    try {
      const response = await fetch(line.dataset.live, {credentials: "same-origin"});
      if (response.ok) {
        const c = (await response.json()).counts;
        line.textContent = line.dataset.template.replace(/\{(\w+)\}/g, (_, name) => String(c[name]));
      }
    } catch (e) { /* the server restarts: keep asking */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
}

function autoSubmit() {
  // A form that hands something back to another site (the LMS's deep-linking return) goes by itself.
  const form = document.querySelector("form[data-autosubmit]");
  if (form) form.submit();
}

document.addEventListener("DOMContentLoaded", () => { setupUpload(); setupSubmission(); setupQueue(); autoSubmit(); });
