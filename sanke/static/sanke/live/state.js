/* The lesson state a page shows, rebuilt from the lesson's numbered events.
 *
 * This is the page's copy of sanke/live/events.py (`apply`, `QuizState.vote`, `LessonState.present`):
 * both must reach the same state from the same events. `make test` replays the event logs of the live
 * tests through both and compares `snapshot(state)` with Python's `events.snapshot` (see
 * sanke/live/tests/js/), so a rule changed on one side only fails the suite. Nothing here touches the page.
 */

export function newState() {
  return {
    lastSeq: 0,
    status: "scheduled",
    startedAt: null,
    endedAt: null,
    voter: null, // this page's own pseudonym (a student's answer pad), from the socket's hello
    connected: new Set(),
    attendance: {}, // classroom → [[joined, left]]
    hands: new Set(),
    stage: null,
    muted: new Set(),
    rollcalls: {}, // roll call → classroom → students present
    quizzes: {}, // quiz number → {kind, question, options, tallies, closed, votes, entered}
    chat: [], // the messages themselves (Python keeps only their number)
  };
}

/* Students present per classroom, from the latest roll call each classroom answered. */
export function present(state) {
  const result = {};
  Object.keys(state.rollcalls)
    .map(Number)
    .sort((a, b) => a - b)
    .forEach((rollcall) => Object.assign(result, state.rollcalls[rollcall]));
  return result;
}

/* One student's answer (their latest replaces an earlier one); invalid choices are dropped. */
function vote(quiz, classroom, voter, choice) {
  const valid = [...new Set(choice)].filter((option) => quiz.options.includes(option));
  if (!valid.length || (quiz.kind !== "multiple" && valid.length !== 1)) return;
  (quiz.votes[classroom] = quiz.votes[classroom] || {})[voter] = valid;
  if (quiz.entered.has(classroom)) return; // counts the terminal entered stand
  const counts = {};
  Object.values(quiz.votes[classroom]).forEach((chosen) =>
    chosen.forEach((option) => {
      counts[option] = (counts[option] || 0) + 1;
    }),
  );
  quiz.tallies[classroom] = Object.fromEntries(quiz.options.filter((o) => counts[o]).map((o) => [o, counts[o]]));
}

function leave(state, classroom, at) {
  const intervals = state.attendance[classroom];
  intervals[intervals.length - 1][1] = at;
  state.connected.delete(classroom);
}

/* Apply one event ({seq, type, payload, at}) to `state`; events must come in number order. */
export function applyEvent(state, event) {
  if (event.seq <= state.lastSeq) throw new Error(`event ${event.seq} is not after ${state.lastSeq}`);
  state.lastSeq = event.seq;
  const p = event.payload || {};
  const classroom = p.classroom === undefined ? null : p.classroom;
  const quiz = p.quiz !== undefined ? state.quizzes[p.quiz] : undefined;
  switch (event.type) {
    case "lesson.started":
      state.status = "live";
      state.startedAt = event.at;
      break;
    case "lesson.ended":
      state.status = "ended";
      state.endedAt = event.at;
      [...state.connected].forEach((room) => leave(state, room, event.at));
      break;
    case "classroom.joined":
      if (!state.connected.has(classroom)) {
        state.connected.add(classroom);
        (state.attendance[classroom] = state.attendance[classroom] || []).push([event.at, null]);
      }
      break;
    case "classroom.left":
      if (state.connected.has(classroom)) leave(state, classroom, event.at);
      break;
    case "chat.message":
      state.chat.push(p);
      break;
    case "hand.raised":
      state.hands.add(classroom);
      break;
    case "hand.lowered":
      state.hands.delete(classroom);
      break;
    case "stage.set":
      state.stage = classroom;
      state.hands.delete(classroom);
      break;
    case "classroom.muted":
      if (p.muted) state.muted.add(classroom);
      else state.muted.delete(classroom);
      break;
    case "rollcall.started":
      state.rollcalls[p.rollcall] = state.rollcalls[p.rollcall] || {};
      break;
    case "rollcall.reported":
      (state.rollcalls[p.rollcall] = state.rollcalls[p.rollcall] || {})[classroom] = p.present;
      break;
    case "quiz.started":
      state.quizzes[p.quiz] = {
        kind: p.kind,
        question: p.question,
        options: [...p.options],
        tallies: {},
        closed: false,
        votes: {},
        entered: new Set(),
      };
      break;
    case "quiz.answered":
      if (quiz && !quiz.closed) {
        quiz.tallies[classroom] = Object.fromEntries(
          Object.entries(p.counts).filter(([option]) => quiz.options.includes(option)),
        );
        quiz.entered.add(classroom);
      }
      break;
    case "quiz.voted":
      if (quiz && !quiz.closed) vote(quiz, classroom, p.voter, p.choice);
      break;
    case "quiz.closed":
      if (quiz) quiz.closed = true;
      break;
    default:
      break;
  }
  return state;
}

/* The state after `events`, in order. */
export function replay(events) {
  const state = newState();
  events.forEach((event) => applyEvent(state, event));
  return state;
}

const sorted = (values) => [...values].sort((a, b) => a - b);

/* A plain view of the state, the same shape as Python's events.snapshot (keys as JSON has them). */
export function snapshot(state) {
  const quizzes = {};
  for (const [number, q] of Object.entries(state.quizzes)) {
    quizzes[number] = {
      kind: q.kind,
      question: q.question,
      options: q.options,
      tallies: q.tallies,
      closed: q.closed,
      votes: q.votes,
      entered: sorted(q.entered),
    };
  }
  return {
    status: state.status,
    started_at: state.startedAt,
    ended_at: state.endedAt,
    last_seq: state.lastSeq,
    connected: sorted(state.connected),
    attendance: state.attendance,
    hands: sorted(state.hands),
    stage: state.stage,
    muted: sorted(state.muted),
    rollcalls: state.rollcalls,
    present: present(state),
    quizzes,
    chat: state.chat.length,
  };
}
