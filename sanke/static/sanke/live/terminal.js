/* A receiving classroom's big screen: the host large, this classroom's camera back, the classroom on
 * stage; raise a hand, report the head count, chat, and enter the class's answers to a quiz. */
import { startRoom } from "./room.js";

const live = startRoom();
const room = live.cfg.classroom;
const $ = (selector) => document.querySelector(selector);
let rollcall = 0;
let quiz = 0;

$("[data-action=hand]").onclick = () => live.sendEvent("hand.raised", { classroom: room });
$("[data-action=reconnect]").onclick = () => live.reconnect();
$("[data-form=present]").onsubmit = (e) => {
  e.preventDefault();
  live.sendEvent("rollcall.reported", { rollcall: Math.max(rollcall, 1), classroom: room, present: +e.target.present.value });
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
  if (ev.type === "rollcall.started") rollcall = ev.payload.rollcall;
  if (ev.type === "quiz.started") {
    quiz = ev.payload.quiz;
    $("[data-quiz-question]").textContent = ev.payload.question;
    $("[data-quiz-options]").replaceChildren(...ev.payload.options.map(optionRow));
    $("[data-testid=quiz-panel]").classList.remove("d-none");
  }
  if (ev.type === "quiz.closed") $("[data-testid=quiz-panel]").classList.add("d-none");
  if (ev.type === "chat.message") {
    const line = document.createElement("div");
    line.textContent = ev.payload.text;
    $("[data-testid=chat]").append(line);
  }
});
