/* A classroom terminal's day, read again and again from the platform: the terminal's home screen and its
 * lesson room both follow it, so a lesson moved, cancelled or added later is on the screen within a
 * minute, without anyone reloading. Nobody sits at a terminal: every failure (the PC slept, the network
 * dropped for hours, the platform restarted) is retried by itself, and the screen says what it waits for.
 */

export const POLL_MS = 30000; // a change reaches the screen within a minute, in the worst case
const STALE_MS = 60000; // after sleeping or going offline longer than this, read again at once

// "2天 3小时 5分", "3小时 5分", "12分 30秒": the time left, in the words the page was given
export function countdownText(ms, text) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts = [];
  if (days) parts.push(`${days}${text.days}`);
  if (days || hours) parts.push(`${hours}${text.hours}`);
  parts.push(`${minutes}${text.minutes}`);
  if (!days && !hours) parts.push(`${s % 60}${text.seconds}`);
  return parts.join(" ");
}

export function clockText(iso, timeZone) {
  return new Date(iso).toLocaleTimeString("zh-CN", { hour12: false, hour: "2-digit", minute: "2-digit", timeZone });
}

export function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

/* Read the agenda now and every POLL_MS; onAgenda(agenda) on every answer, onTrouble(kind, lastOk) when it
 * fails ("offline": no answer or a server error; "login": the platform no longer knows this terminal). */
export function followAgenda(url, { onAgenda, onTrouble }) {
  let lastOk = null;
  let sent = 0; // reads may overlap (a slow network, a wake-up): only the newest answer counts
  let applied = 0;
  async function read() {
    const mine = ++sent;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" });
      if (mine < applied) return;
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      if (response.status === 403 || (response.ok && !json) || response.redirected) onTrouble("login", lastOk);
      else if (!response.ok) onTrouble("offline", lastOk);
      else {
        const agenda = await response.json();
        if (mine < applied) return;
        applied = mine;
        lastOk = Date.now();
        onAgenda(agenda);
      }
    } catch {
      if (mine >= applied) onTrouble("offline", lastOk);
    }
  }
  read();
  setInterval(read, POLL_MS);
  // back from sleep or from a dead network: do not wait for the next period
  window.addEventListener("online", read);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && (lastOk === null || Date.now() - lastOk > STALE_MS)) read();
  });
  return { read };
}

/* The push: a socket that only says "your day changed" (live/terminal_push.py), so a move arrives at once.
 * It reconnects by itself, waiting longer after each failure (up to a minute); the half-minute reads go on
 * regardless, so a platform without the socket, or a push lost while reconnecting, costs at most that. */
export function listenForChanges(path, onChange) {
  let wait = 2000;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + path);
    ws.onopen = () => {
      wait = 2000;
      onChange(); // anything missed while the socket was down
    };
    ws.onmessage = (message) => {
      try {
        if (JSON.parse(message.data).type === "agenda") onChange();
      } catch {
        /* not for us */
      }
    };
    ws.onclose = () => {
      setTimeout(connect, wait);
      wait = Math.min(wait * 2, 60000);
    };
  }
  connect();
}
