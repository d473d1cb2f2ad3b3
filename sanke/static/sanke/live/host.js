/* The host teacher's console: start and end, screen share, the grid of receiving classrooms (hands,
 * stage, mute, connection quality), roll call, a quick quiz with its live tally, chat. */
import { startRoom } from "./room.js";
import { present } from "./state.js";

const live = startRoom();
const text = live.cfg.text;
const $ = (selector) => document.querySelector(selector);
const names = {};
document.querySelectorAll("[data-classroom]").forEach((el) => {
  names[el.dataset.classroom] = el.querySelector("strong").textContent;
});
// numbers continue after a reload: the replayed state holds the quizzes and roll calls so far
const nextQuiz = () => Math.max(0, ...Object.keys(live.state.quizzes).map(Number)) + 1;
const nextRollcall = () => Math.max(0, ...Object.keys(live.state.rollcalls).map(Number)) + 1;

$("[data-action=start]").onclick = () => live.send({ type: "start", id: "start" });
$("[data-action=end]").onclick = () => live.send({ type: "end", id: "end" });
let sharing = false;
$("[data-action=screen]").onclick = () => live.shareScreen(!sharing).catch(() => {});
document.addEventListener("sanke:screen", (e) => {
  sharing = e.detail;
});
$("[data-action=rollcall]").onclick = () => live.sendEvent("rollcall.started", { rollcall: nextRollcall() });
document.querySelectorAll("[data-stage]").forEach((button) => {
  button.onclick = () => {
    const room = +button.dataset.stage;
    live.sendEvent("stage.set", { classroom: live.state.stage === room ? null : room });
  };
});
document.querySelectorAll("[data-mute]").forEach((button) => {
  button.onclick = () => {
    const room = +button.dataset.mute;
    live.sendEvent("classroom.muted", { classroom: room, muted: !live.state.muted.has(room) });
  };
});
document.querySelectorAll("[data-hand]").forEach((hand) => {
  hand.onclick = () => live.sendEvent("hand.lowered", { classroom: +hand.closest("[data-classroom]").dataset.classroom });
});
$("[data-action=quiz-close]").onclick = () => {
  Object.entries(live.state.quizzes)
    .filter(([, q]) => !q.closed)
    .forEach(([number]) => live.sendEvent("quiz.closed", { quiz: +number }));
};
$("[data-form=quiz]").onsubmit = (e) => {
  e.preventDefault();
  const f = e.target;
  const options = f.kind.value === "true_false" ? ["对", "错"] : f.options.value.split(/\s+/).filter(Boolean);
  live.sendEvent("quiz.started", { quiz: nextQuiz(), kind: f.kind.value, question: f.question.value, options });
};
$("[data-form=chat]").onsubmit = (e) => {
  e.preventDefault();
  if (e.target.text.value) live.sendEvent("chat.message", { text: e.target.text.value });
  e.target.text.value = "";
};

function render() {
  const s = live.state;
  $("[data-live=status]").textContent = live.statusLabel();
  // start before the lesson, end while it is live, and neither once it is over
  $("[data-action=start]").hidden = s.status !== "scheduled";
  $("[data-action=end]").hidden = s.status !== "live";
  document.querySelectorAll("[data-classroom]").forEach((el) => {
    const room = +el.dataset.classroom;
    el.querySelector("[data-hand]").classList.toggle("d-none", !s.hands.has(room));
    el.querySelector(".card").classList.toggle("border-primary", s.stage === room);
    el.querySelector("[data-mute]").classList.toggle("btn-danger", s.muted.has(room));
  });
  const q = s.quizzes[nextQuiz() - 1];
  const body = $("[data-testid=tally] tbody");
  body.replaceChildren();
  if (q) {
    for (const [room, counts] of Object.entries(q.tallies)) {
      const row = body.insertRow();
      row.dataset.room = room;
      row.insertCell().textContent = names[room] || room;
      row.insertCell().textContent = q.options.map((o) => `${o}: ${counts[o] || 0}`).join("  ");
    }
  }
  $("[data-testid=present]").textContent = Object.entries(present(s))
    .map(([room, n]) => `${names[room] || room}: ${n}`)
    .join("，");
  $("[data-testid=chat]").replaceChildren(
    ...s.chat.map((m) => {
      const line = document.createElement("div");
      line.textContent = m.text || "";
      return line;
    }),
  );
}
document.addEventListener("sanke:event", render);
document.addEventListener("sanke:status", render);
document.addEventListener("sanke:quality", (e) => {
  const d = e.detail;
  const tile = document.querySelector(`[data-classroom="${d.key.replace("classroom-", "")}"] [data-quality]`);
  if (!tile) return;
  tile.textContent =
    `${Math.round(d.fps)} fps` +
    (d.rtt ? ` · ${Math.round(d.rtt * 1000)} ms` : "") +
    (d.loss > 0.01 ? ` · ${Math.round(d.loss * 100)}%` : "") +
    (d.audioFlowing ? "" : " · 🔇");
  tile.className = "badge " + { good: "bg-green-lt", fair: "bg-yellow-lt", poor: "bg-red-lt" }[d.level];
  tile.title = text[d.level];
});
