/* A receiving classroom's big screen: the host large, this classroom's camera back, the classroom on
 * stage; raise a hand, report the head count, chat, and enter the class's answers to a quiz. */
import { followAgenda } from "./agenda.js";
import { OVER, startRoom } from "./room.js";

const live = startRoom();
const room = live.cfg.classroom;
const $ = (selector) => document.querySelector(selector);
// Roll call and quizzes come up as large prompts over the video. A remote control moves with Tab or the
// arrows (a number field counts up and down with them) and confirms with Enter; a touch screen taps.
function showPrompt(testid, focus) {
  const panel = $(`[data-testid=${testid}]`);
  panel.classList.remove("d-none");
  const target = panel.querySelector(focus);
  if (target) target.focus();
}
function hidePrompt(testid) {
  $(`[data-testid=${testid}]`).classList.add("d-none");
}

const RETURN_MS = 15000; // an ended lesson stays on the screen this long, then the countdown comes back
const terminal = live.cfg.terminal; // only a classroom terminal's account goes back to its home screen
let leaving = null;

// The lesson is over (ended by the host, or cancelled or moved while this screen waited in it): say so,
// offer nothing to click, and go back to the terminal's countdown by itself.
function lessonOver(message) {
  const over = $("[data-testid=lesson-over]");
  over.querySelector("[data-over=text]").textContent = message;
  over.classList.remove("d-none");
  document.querySelectorAll("[data-room-controls] button, [data-room-controls] input").forEach((el) => {
    el.disabled = true;
  });
  hidePrompt("quiz-panel");
  hidePrompt("rollcall-panel");
  if (terminal && !leaving) leaving = setTimeout(() => window.location.assign(terminal.home), RETURN_MS);
}

document.addEventListener("sanke:status", (e) => {
  if (OVER.has(e.detail)) lessonOver(live.cfg.text.over);
});
if (OVER.has(live.state.status)) lessonOver(live.cfg.text.over); // opened (or reloaded) after the end

if (terminal) {
  // the terminal follows its day from the room too: a lesson moved later, cancelled or ended elsewhere
  // sends it back to its countdown even when this room's socket is down
  followAgenda(terminal.agenda, {
    onAgenda(agenda) {
      const mine = agenda.today.find((lesson) => lesson.id === live.cfg.lesson);
      const next = agenda.next;
      if (mine && OVER.has(mine.status)) lessonOver(live.cfg.text.over);
      else if (!next || next.id !== live.cfg.lesson) {
        // this lesson is no longer the one to wait for (moved to later, cancelled, another comes first)
        if (!(mine && mine.status === "live")) lessonOver(live.cfg.text.moved_away);
      }
    },
    onTrouble() {},
  });
}
let rollcall = 0;
let quiz = 0;

$("[data-action=hand]").onclick = () => live.sendEvent("hand.raised", { classroom: room });
$("[data-action=reconnect]").onclick = () => live.reconnect();
$("[data-form=present]").onsubmit = (e) => {
  e.preventDefault();
  live.sendEvent("rollcall.reported", { rollcall: Math.max(rollcall, 1), classroom: room, present: +e.target.present.value });
  hidePrompt("rollcall-panel");
};
document.querySelectorAll("[data-step]").forEach((button) => {
  button.onclick = () => {
    const input = $("[data-form=present] [name=present]");
    input.value = Math.min(300, Math.max(0, (+input.value || 0) + +button.dataset.step));
  };
});
$("[data-action=fullscreen]").onclick = () => {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen().catch(() => {});
};
$("[data-form=chat]").onsubmit = (e) => {
  e.preventDefault();
  if (e.target.text.value) live.sendEvent("chat.message", { text: e.target.text.value, classroom: room });
  e.target.text.value = "";
};
$("[data-form=answer]").onsubmit = (e) => {
  e.preventDefault();
  const counts = {};
  e.target.querySelectorAll("input[data-option]").forEach((input) => {
    counts[input.dataset.option] = +input.value || 0;
  });
  live.sendEvent("quiz.answered", { quiz, classroom: room, counts });
  hidePrompt("quiz-panel");
};

// one row per option: its text and the number of students who chose it (options are text, never markup)
function optionRow(option) {
  const label = document.createElement("label");
  label.className = "d-flex align-items-center gap-2 mb-1";
  const name = document.createElement("span");
  name.className = "fw-bold sanke-option-name";
  name.textContent = option;
  const count = document.createElement("input");
  count.className = "form-control";
  count.type = "number";
  count.min = "0";
  count.max = "300";
  count.value = "0";
  count.dataset.option = option;
  label.append(name, count);
  return label;
}

document.addEventListener("sanke:event", (e) => {
  const ev = e.detail;
  $("[data-live=status]").textContent = live.statusLabel();
  if (ev.type === "rollcall.started") {
    rollcall = ev.payload.rollcall;
    if (!OVER.has(live.state.status)) showPrompt("rollcall-panel", "[name=present]");
  }
  if (ev.type === "quiz.started") {
    quiz = ev.payload.quiz;
    $("[data-quiz-question]").textContent = ev.payload.question;
    $("[data-quiz-options]").replaceChildren(...ev.payload.options.map(optionRow));
    showPrompt("quiz-panel", "input[data-option]");
  }
  if (ev.type === "quiz.closed") hidePrompt("quiz-panel");
  if (ev.type === "chat.message") {
    const line = document.createElement("div");
    line.textContent = ev.payload.text;
    $("[data-testid=chat]").append(line);
  }
});
