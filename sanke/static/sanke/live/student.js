/* A student's answer pad on their own device: the teacher's question, tap an answer (or several, then
 * submit); after a reload the pad shows the student's own earlier answer again. */
import { startRoom } from "./room.js";

const live = startRoom();
const text = live.cfg.text;
const $ = (selector) => document.querySelector(selector);
let quiz = 0;
let kind = "single";
let chosen = new Set();

function paint() {
  document.querySelectorAll("[data-quiz-options] button").forEach((button) => {
    const on = chosen.has(button.dataset.option);
    button.className = "btn btn-lg text-start " + (on ? "btn-primary" : "btn-outline-primary");
    button.setAttribute("aria-pressed", on ? "true" : "false");
  });
}

function sent(choice) {
  $("[data-testid=quiz-sent]").textContent = text.sent + choice.join("、");
  $("[data-testid=quiz-sent]").classList.remove("d-none");
}

function vote() {
  if (!chosen.size) return;
  live.sendEvent("quiz.voted", { quiz, choice: [...chosen] });
  sent([...chosen]);
}

function optionButton(option, closed) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-outline-primary btn-lg text-start";
  button.dataset.option = option;
  button.textContent = option;
  button.disabled = closed;
  button.onclick = () => {
    if (kind === "multiple") {
      if (chosen.has(option)) chosen.delete(option);
      else chosen.add(option);
    } else {
      chosen = new Set([option]);
    }
    paint();
    button.blur();
    if (kind !== "multiple") vote();
  };
  return button;
}

function show(number, q) {
  quiz = number;
  kind = q.kind;
  chosen = new Set();
  $("[data-testid=quiz-waiting]").classList.add("d-none");
  $("[data-testid=quiz-pad]").classList.remove("d-none");
  $("[data-quiz-question]").textContent = q.question;
  $("[data-quiz-hint]").textContent = kind === "multiple" ? text.multiple : text.single;
  $("[data-testid=quiz-sent]").classList.add("d-none");
  $("[data-testid=quiz-closed]").classList.toggle("d-none", !q.closed);
  $("[data-action=vote]").classList.toggle("d-none", kind !== "multiple" || q.closed);
  $("[data-quiz-options]").replaceChildren(...q.options.map((option) => optionButton(option, q.closed)));
}

$("[data-action=vote]").onclick = vote;
document.addEventListener("sanke:event", (e) => {
  const ev = e.detail;
  $("[data-live=status]").textContent = live.statusLabel();
  if (ev.type === "quiz.started") show(ev.payload.quiz, live.state.quizzes[ev.payload.quiz]);
  // my own earlier answer (replayed after a reload): show it as chosen and sent
  if (ev.type === "quiz.voted" && ev.payload.quiz === quiz && ev.payload.voter === live.state.voter) {
    chosen = new Set(ev.payload.choice);
    paint();
    sent(ev.payload.choice);
  }
  if (ev.type === "quiz.closed" && ev.payload.quiz === quiz) {
    $("[data-testid=quiz-closed]").classList.remove("d-none");
    $("[data-action=vote]").classList.add("d-none");
    document.querySelectorAll("[data-quiz-options] button").forEach((button) => {
      button.disabled = true;
    });
  }
});
