/* A classroom terminal's home screen: the clock in school time, the countdown to the next lesson, and
 * joining that lesson by itself a minute before it starts (no keyboard in class). */
const JOIN_EARLY_MS = 60000;
const card = document.querySelector("[data-terminal-home]");
const timeZone = card.dataset.timezone;
const clock = card.querySelector("[data-testid=terminal-clock]");
const today = card.querySelector("[data-terminal-date]");
const next = card.querySelector("[data-lesson-start]");
const start = next ? Date.parse(next.dataset.lessonStart) : null;
const countdown = card.querySelector("[data-testid=countdown]");
const two = (n) => String(n).padStart(2, "0");

function tick() {
  const now = new Date();
  clock.textContent = now.toLocaleTimeString("zh-CN", { hour12: false, timeZone });
  today.textContent = now.toLocaleDateString("zh-CN", {
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "long",
    timeZone,
  });
  if (start === null) return;
  const s = Math.max(0, Math.round((start - now) / 1000));
  countdown.textContent = `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (Date.now() >= start - JOIN_EARLY_MS) window.location = next.dataset.lessonUrl;
}

tick();
setInterval(tick, 1000);
