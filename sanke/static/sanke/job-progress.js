/* A background job's page while the job runs (imports, co-scheduling, …): ask the status endpoint every
 * second, move the progress bar, say the phase, how much is done and about how long is left, and load
 * the page again once the job has finished (the server renders the result). Words come from the page
 * (the JSON data block #job-progress-texts), so the module holds none. */
const card = document.querySelector("[data-job-progress]");
const POLL_MS = 1000;

if (card) {
  const texts = JSON.parse(document.getElementById("job-progress-texts").textContent);
  const bar = card.querySelector("progress");
  const phase = card.querySelector("[data-phase]");
  const rows = card.querySelector("[data-rows]");
  const left = card.querySelector("[data-left]");
  const badge = document.querySelector("[data-job-badge]");
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
  const firstPhase = Object.values(texts.phases)[0] || "";

  const duration = (seconds) =>
    seconds >= 90
      ? fill(texts.minutes, { n: Math.round(seconds / 60) })
      : fill(texts.seconds, { n: Math.max(1, Math.round(seconds)) });

  const show = (status) => {
    if (status.finished) {
      window.location.reload();
      return false;
    }
    const key = status.status === "queued" ? "queued" : status.phase;
    phase.textContent = texts.phases[key] || firstPhase;
    if (badge && status.status === "running") {
      badge.textContent = texts.running;
      badge.className = "badge bg-blue-lt";
    }
    bar.max = Math.max(status.rows_total, 1);
    bar.value = status.rows_done;
    rows.textContent = fill(texts.rows, { done: status.rows_done, total: status.rows_total });
    left.textContent =
      status.seconds_left === null || status.seconds_left === undefined
        ? ""
        : fill(texts.left, { time: duration(status.seconds_left) });
    return true;
  };

  const poll = async () => {
    let again = true;
    try {
      const response = await fetch(card.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) again = show(await response.json());
    } catch {
      /* the network or the server is down for a moment: ask again */
    }
    if (again) setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}
