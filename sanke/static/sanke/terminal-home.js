/* A classroom terminal's home screen: the clock in school time, today's lessons, the countdown to the next
 * lesson in days / hours / minutes, and joining that lesson by itself a minute before it starts. The day
 * is read again every half minute (live/agenda.js), so moves, cancellations and new lessons arrive without
 * a reload, and the screen keeps counting (on its own clock) while the platform cannot be reached. */
import { clockText, countdownText, fill, followAgenda, listenForChanges } from "./live/agenda.js";

const JOIN_EARLY_MS = 60000;
const cfg = JSON.parse(document.getElementById("terminal-config").textContent);
const text = cfg.text;
const card = document.querySelector("[data-terminal-home]");
const timeZone = card.dataset.timezone;
const $ = (selector) => card.querySelector(selector);
let next = null; // the lesson waited for: {id, subject, teacher, starts_at, ends_at, status, url}
let joining = false;

function render(agenda) {
  next = agenda.next;
  $("[data-testid=terminal-next]").classList.toggle("d-none", !next);
  $("[data-testid=terminal-idle]").classList.toggle("d-none", !!next);
  if (next) {
    $("[data-next=title]").textContent = `${next.subject} · ${next.teacher}`;
    const date = new Date(next.starts_at).toLocaleDateString("zh-CN", { month: "2-digit", day: "2-digit", timeZone });
    $("[data-testid=next-start]").textContent = `${date} ${clockText(next.starts_at, timeZone)}`;
    $("[data-next=join]").href = next.url;
  }
  const rows = agenda.today.map((lesson) => {
    const row = document.createElement("div");
    row.className = "list-group-item d-flex gap-3" + (next && lesson.id === next.id ? " active" : "");
    row.dataset.lesson = lesson.id;
    const time = document.createElement("span");
    time.className = "font-monospace";
    time.textContent = `${clockText(lesson.starts_at, timeZone)}–${clockText(lesson.ends_at, timeZone)}`;
    const what = document.createElement("span");
    what.className = "me-auto";
    what.textContent = `${lesson.subject} · ${lesson.teacher}`;
    const status = document.createElement("span");
    status.className = "badge bg-secondary-lt";
    status.textContent = lesson.status_label + (lesson.moved ? ` · ${text.moved}` : "");
    row.append(time, what, status);
    return row;
  });
  if (!rows.length) {
    const empty = document.createElement("div");
    empty.className = "list-group-item text-secondary";
    empty.textContent = text.none_today;
    rows.push(empty);
  }
  $("[data-testid=terminal-today]").replaceChildren(...rows);
  say(next ? fill(text.waiting, { lesson: next.subject, time: whenText(next.starts_at) }) : text.idle);
  tick();
}

// "09:50" today, "11/24 09:50" on another day
function whenText(iso) {
  const day = (date) => date.toLocaleDateString("zh-CN", { month: "2-digit", day: "2-digit", timeZone });
  const date = day(new Date(iso));
  return date === day(new Date()) ? clockText(iso, timeZone) : `${date} ${clockText(iso, timeZone)}`;
}

function say(message, tone = "secondary") {
  const line = $("[data-testid=terminal-waiting]");
  line.textContent = message;
  line.className = `card-footer text-${tone}`;
}

function tick() {
  const now = Date.now();
  $("[data-testid=terminal-clock]").textContent = new Date(now).toLocaleTimeString("zh-CN", { hour12: false, timeZone });
  $("[data-terminal-date]").textContent = new Date(now).toLocaleDateString("zh-CN", {
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "long",
    timeZone,
  });
  if (!next || joining) return;
  const start = Date.parse(next.starts_at);
  const end = Date.parse(next.ends_at);
  $("[data-testid=countdown]").textContent = countdownText(start - now, text);
  if (now >= end && next.status !== "live") return; // over by our clock; the next read brings the one after
  if (next.status === "live" || now >= start - JOIN_EARLY_MS) {
    joining = true;
    say(next.status === "live" ? text.live : text.joining, "primary");
    window.location.assign(next.url);
  }
}

const day = followAgenda(cfg.agenda, {
  onAgenda: render,
  onTrouble(kind, lastOk) {
    if (kind === "login") say(text.login, "danger");
    else say(fill(text.offline, { time: lastOk ? new Date(lastOk).toLocaleTimeString("zh-CN", { hour12: false, timeZone }) : "—" }), "warning");
  },
});
if (cfg.push) listenForChanges(cfg.push, day.read);
tick();
setInterval(tick, 1000);
