/* The lesson's WebSocket: connect, reconnect by itself, resume after a drop, apply events in order.
 *
 * The server stores every lesson event with a number; after a drop the page reconnects by itself and asks
 * for everything after the last number it saw, so nothing is lost. Media never passes through the server:
 * SDP offers/answers and ICE candidates are relayed as "signal" messages (see p2p.js).
 */

const RECONNECT_MS = 1000; // no keyboard in class: the terminal reconnects by itself
const GAP_MS = 2000; // a gap in the numbers still open after this asks for the missing events again
// Close codes after which reconnecting cannot help (live/consumers.py CLOSE_*): the page says why and stops.
const FINAL_CLOSE = { 4401: "closed_account", 4403: "closed_forbidden", 4429: "closed_too_many" };

// A message at the top of the page (built as text, never HTML): why the room stopped, or why the server
// refused what was sent.
export function showNotice(text, tone = "warning") {
  let notice = document.querySelector("[data-live=notice]");
  if (!notice) {
    notice = document.createElement("div");
    notice.dataset.live = "notice";
    notice.setAttribute("role", "alert");
    (document.querySelector(".page-body .container-xl") || document.body).prepend(notice);
  }
  notice.className = "alert alert-" + tone;
  notice.textContent = text;
}

export function openSocket(room, { onMessage, onEvent }) {
  let ws = null;
  // What the user does while the socket is (re)connecting waits here and goes out once it is open, so a
  // tap on "start" or an answer is never lost. Signaling is not kept: it is redone after a reconnect.
  const outbox = [];
  let pending = 0;

  function setConnection(connected, closedText) {
    const badge = document.querySelector("[data-live=connection]");
    if (!badge) return;
    badge.textContent = closedText || (connected ? room.cfg.text.connected : room.cfg.text.reconnecting);
    badge.className = "badge " + (closedText ? "bg-red-lt" : connected ? "bg-green-lt" : "bg-yellow-lt");
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + room.cfg.ws);
    ws.onopen = () => {
      setConnection(true);
      send({ type: "resume", since: room.state.lastSeq });
      outbox.splice(0).forEach(send);
    };
    ws.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "event") receiveEvent(data.event);
      else onMessage(data);
    };
    ws.onclose = (event) => {
      const final = FINAL_CLOSE[event.code];
      if (final) {
        // the account, its session or its role changed (or the page was flooding): no reconnect loop
        const text = room.cfg.text[final] || final;
        setConnection(false, text);
        showNotice(text, "danger");
        room.emit("closed", event.code);
        return;
      }
      setConnection(false);
      setTimeout(connect, RECONNECT_MS);
    };
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(message));
      return true;
    }
    if (message.type !== "signal" && message.type !== "resume") outbox.push(message);
    return false;
  }

  function sendEvent(event, payload) {
    pending += 1;
    return send({ type: "event", id: pending, event, payload });
  }

  // Events are applied strictly in number order. After a reconnection the live stream and the resumed
  // backlog interleave (a new event can overtake older ones), so out-of-order events wait here until
  // the gap is filled, and a gap that stays open asks for the missing events again.
  const waiting = new Map();
  let gapTimer = null;
  function receiveEvent(event) {
    if (event.seq <= room.state.lastSeq || waiting.has(event.seq)) return;
    waiting.set(event.seq, event);
    while (waiting.has(room.state.lastSeq + 1)) {
      const next = waiting.get(room.state.lastSeq + 1);
      waiting.delete(next.seq);
      onEvent(next);
    }
    if (waiting.size && !gapTimer) {
      gapTimer = setTimeout(() => {
        gapTimer = null;
        if (waiting.size) send({ type: "resume", since: room.state.lastSeq });
      }, GAP_MS);
    }
  }

  // drop and re-open the socket (the "reconnect" button; also what a network drop does)
  const reconnect = () => ws && ws.close();

  return { connect, send, sendEvent, reconnect };
}
