/* The lesson room: what every role's page shares (the config the view rendered, the lesson state, the
 * socket, media, quality sampling), assembled once per page by `startRoom()`.
 *
 * Each role's module (host.js, terminal.js, student.js, observer.js) calls `startRoom()` and draws its own
 * page from `room.state` when the room emits "sanke:event" / "sanke:status" on the document. The room is
 * also `window.sankeLive`, which the browser tests read.
 */
import { startJanus } from "./janus.js";
import { createPeerStar } from "./p2p.js";
import { watchQuality } from "./quality.js";
import { openSocket, showNotice } from "./socket.js";
import { applyEvent, newState } from "./state.js";

const KEEPALIVE_MS = 5 * 60000;
// a lesson in one of these states sends and receives nothing, and its page offers nothing to click
export const OVER = new Set(["ended", "cancelled", "missed", "before_series"]);
const CAMERA = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 20 } };

export function startRoom() {
  const cfg = JSON.parse(document.getElementById("live-config").textContent);
  const room = {
    cfg,
    isHost: cfg.role === "host",
    isClassroom: cfg.role === "classroom",
    p2p: cfg.backend === "p2p",
    state: Object.assign(newState(), { status: cfg.status || "scheduled" }),
    peers: {}, // participant key → RTCPeerConnection
    localStream: null,
    janusPublisher: null, // the Janus handle that publishes this page's camera
    emit: (name, detail) => document.dispatchEvent(new CustomEvent("sanke:" + name, { detail })),
    statusLabel: () => cfg.statusLabels[room.state.status] || room.state.status,
  };
  // observers and students' answer pads take part in the events only, without media
  const withMedia = room.isHost || room.isClassroom;
  const star = withMedia ? createPeerStar(room) : null;
  let janus = null;

  function onEvent(event) {
    const before = room.state.status;
    applyEvent(room.state, event);
    const p = event.payload;
    if (event.type === "stage.set") {
      if (star) star.onStageChange();
      if (janus) janus.onStageChange();
    }
    // the host mutes a classroom: that terminal stops sending sound until unmuted
    if (event.type === "classroom.muted" && room.isClassroom && p.classroom === cfg.classroom && room.localStream) {
      room.localStream.getAudioTracks().forEach((track) => {
        track.enabled = !p.muted;
      });
    }
    if (room.state.status !== before) statusChanged();
    room.emit("event", event);
  }

  function onMessage(message) {
    if (message.type === "hello") {
      room.state.status = message.status;
      room.state.voter = message.voter || null;
      statusChanged();
    } else if (message.type === "error") {
      room.emit("error", message.error);
      if (message.code) showNotice(message.error); // refused by the room's limits: say so, in Chinese
    }
    if (star) star.onMessage(message);
  }

  // Media follows the lesson's status: links while live (p2p.js, janus.js), and at the end every camera
  // and microphone track is stopped and every remote picture cleared, so nothing leaves the classroom.
  function statusChanged() {
    const status = room.state.status;
    if (star) star.onStatus(status);
    if (janus) janus.onStatus(status);
    if (OVER.has(status)) stopMedia();
    room.emit("status", status);
  }

  function stopMedia() {
    Object.values(room.peers).forEach((pc) => pc.close());
    Object.keys(room.peers).forEach((key) => delete room.peers[key]);
    if (room.localStream) room.localStream.getTracks().forEach((track) => track.stop());
    document.querySelectorAll("video").forEach((video) => {
      video.srcObject = null;
    });
    document.body.classList.add("sanke-lesson-over");
    const over = document.querySelector("[data-testid=lesson-over]");
    if (over) over.classList.remove("d-none");
    document.querySelectorAll("[data-room-controls] button, [data-room-controls] input, [data-room-controls] select, [data-room-controls] textarea").forEach((el) => {
      el.disabled = true;
    });
  }

  const socket = openSocket(room, { onMessage, onEvent });
  Object.assign(room, { send: socket.send, sendEvent: socket.sendEvent, reconnect: socket.reconnect });
  room.quality = watchQuality(room);

  async function startMedia() {
    try {
      room.localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: CAMERA });
      const preview = document.querySelector("[data-live=local]");
      if (preview) preview.srcObject = room.localStream;
    } catch (error) {
      room.emit("error", "camera/microphone: " + error.message);
    }
  }

  // the host sends courseware instead of the camera (no renegotiation: replaceTrack)
  room.shareScreen = async function shareScreen(on) {
    let track = room.localStream ? room.localStream.getVideoTracks()[0] : null;
    if (on) {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 10 } });
      track = screen.getVideoTracks()[0];
      track.onended = () => shareScreen(false);
    }
    const outgoing = Object.values(room.peers);
    if (room.janusPublisher && room.janusPublisher.webrtcStuff.pc) outgoing.push(room.janusPublisher.webrtcStuff.pc);
    for (const pc of outgoing) {
      for (const sender of pc.getSenders()) {
        if (sender.track && sender.track.kind === "video") await sender.replaceTrack(track);
      }
    }
    const preview = document.querySelector("[data-live=local]");
    if (preview) preview.srcObject = on ? new MediaStream([track]) : room.localStream;
    room.emit("screen", on);
  };

  // keep the login alive while the room is open (the idle timeout counts HTTP requests, not WebSocket traffic)
  if (cfg.keepalive) {
    setInterval(() => fetch(cfg.keepalive, { credentials: "same-origin" }).catch(() => {}), KEEPALIVE_MS);
  }

  window.sankeLive = room;
  // a lesson that is over opens no camera: the page only says that it ended
  const camera = withMedia && !OVER.has(room.state.status);
  if (!camera && withMedia) stopMedia();
  (camera ? startMedia() : Promise.resolve()).then(() => {
    // Janus first: the socket's hello tells it whether the lesson is live, and then it asks for a ticket
    if (cfg.backend === "janus" && withMedia) janus = startJanus(room);
    socket.connect();
  });
  return room;
}
