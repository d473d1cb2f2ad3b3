/* Sanke lesson room: the lesson's WebSocket (events, resume after drops, signaling) and the
 * peer-to-peer media star (the host exchanges audio/video directly with each receiving classroom).
 *
 * The server stores every lesson event with a number; after a drop the page reconnects by itself and
 * asks for everything after the last number it saw, so nothing is lost. Media never passes through
 * the server: SDP offers/answers and ICE candidates are relayed as "signal" messages.
 */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("live-config").textContent);
  const isHost = cfg.role === "host";
  const isClassroom = cfg.role === "classroom";
  const p2p = cfg.backend === "p2p";
  const state = {
    lastSeq: 0, status: null, hands: new Set(), muted: new Set(), quizzes: {}, present: {}, chat: [], stage: null,
  };
  const peers = {}; // participant key → RTCPeerConnection
  let ws = null;
  let localStream = null;
  let pending = 0;

  const $ = (selector) => document.querySelector(selector);
  const emit = (name, detail) => document.dispatchEvent(new CustomEvent("sanke:" + name, { detail }));

  function setConnection(text, ok) {
    const badge = $("[data-live=connection]");
    if (badge) {
      badge.textContent = text;
      badge.className = "badge " + (ok ? "bg-green-lt" : "bg-yellow-lt");
    }
  }

  // ---- the lesson socket -------------------------------------------------------------------------
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + cfg.ws);
    ws.onopen = () => {
      setConnection(document.body.dataset.textConnected || "connected", true);
      send({ type: "resume", since: state.lastSeq });
      outbox.splice(0).forEach(send);
    };
    ws.onmessage = (message) => handle(JSON.parse(message.data));
    ws.onclose = () => {
      setConnection(document.body.dataset.textReconnecting || "reconnecting…", false);
      setTimeout(connect, 1000); // reconnect by itself, no keyboard needed in class
    };
  }

  // What the user does while the socket is (re)connecting waits here and goes out once it is open, so a
  // tap on "start" or an answer is never lost. Signaling is not kept: it is redone after a reconnect.
  const outbox = [];
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

  function handle(message) {
    if (message.type === "hello") {
      state.status = message.status;
      state.voter = message.voter || null;
      emit("status", state.status);
      if (isClassroom && p2p) send({ type: "signal", to: "host", data: { kind: "ready" } });
    } else if (message.type === "presence" && p2p) {
      if (isHost && message.key.startsWith("classroom-")) {
        // a classroom that left keeps its peer until it says "ready" again (a fresh offer replaces it):
        // closing on "gone" could race with the reconnection's "ready" and drop the new link
        emit("peer", { key: message.key, state: message.state });
      } else if (isClassroom && message.key === "host" && message.state === "here") {
        send({ type: "signal", to: "host", data: { kind: "ready" } });
      }
    } else if (message.type === "signal") {
      onSignal(message.from, message.data || {});
    } else if (message.type === "event") {
      receiveEvent(message.event);
    } else if (message.type === "error") {
      emit("error", message.error);
    }
  }

  // Events are applied strictly in number order. After a reconnection the live stream and the resumed
  // backlog interleave (a new event can overtake older ones), so out-of-order events wait here until
  // the gap is filled, and a gap that stays open asks for the missing events again.
  const waiting = new Map();
  let gapTimer = null;
  function receiveEvent(event) {
    if (event.seq <= state.lastSeq || waiting.has(event.seq)) return;
    waiting.set(event.seq, event);
    while (waiting.has(state.lastSeq + 1)) {
      const next = waiting.get(state.lastSeq + 1);
      waiting.delete(next.seq);
      applyEvent(next);
    }
    if (waiting.size && !gapTimer) {
      gapTimer = setTimeout(() => {
        gapTimer = null;
        if (waiting.size) send({ type: "resume", since: state.lastSeq });
      }, 2000);
    }
  }

  function applyEvent(event) {
    state.lastSeq = event.seq;
    const p = event.payload;
    switch (event.type) {
      case "lesson.started": state.status = "live"; emit("status", "live"); break;
      case "lesson.ended": state.status = "ended"; emit("status", "ended"); break;
      case "hand.raised": state.hands.add(p.classroom); break;
      case "hand.lowered": state.hands.delete(p.classroom); break;
      case "stage.set":
        state.stage = p.classroom;
        state.hands.delete(p.classroom);
        relayStage();
        showStage();
        break;
      case "classroom.muted":
        if (p.muted) state.muted.add(p.classroom); else state.muted.delete(p.classroom);
        // the host mutes a classroom: that terminal stops sending sound until unmuted
        if (isClassroom && p.classroom === cfg.classroom && localStream) {
          localStream.getAudioTracks().forEach((track) => { track.enabled = !p.muted; });
        }
        break;
      case "rollcall.reported": state.present[p.classroom] = p.present; break;
      case "quiz.started":
        state.quizzes[p.quiz] = {
          kind: p.kind, question: p.question, options: p.options, tallies: {}, closed: false, votes: {}, entered: new Set(),
        };
        break;
      case "quiz.answered":
        if (state.quizzes[p.quiz] && !state.quizzes[p.quiz].closed) {
          state.quizzes[p.quiz].tallies[p.classroom] = p.counts;
          state.quizzes[p.quiz].entered.add(p.classroom);
        }
        break;
      case "quiz.voted": { // mirrors events.QuizState.vote
        const q = state.quizzes[p.quiz];
        if (!q || q.closed) break;
        const choice = [...new Set(p.choice)].filter((o) => q.options.includes(o));
        if (!choice.length || (q.kind !== "multiple" && choice.length !== 1)) break;
        (q.votes[p.classroom] = q.votes[p.classroom] || {})[p.voter] = choice;
        if (!q.entered.has(p.classroom)) {
          const counts = {};
          Object.values(q.votes[p.classroom]).forEach((c) => c.forEach((o) => { counts[o] = (counts[o] || 0) + 1; }));
          q.tallies[p.classroom] = counts;
        }
        break;
      }
      case "quiz.closed": if (state.quizzes[p.quiz]) state.quizzes[p.quiz].closed = true; break;
      case "chat.message": state.chat.push(p); break;
      default: break;
    }
    emit("event", event);
  }

  // ---- media: a star of peer connections ------------------------------------------------------------
  async function startMedia() {
    try {
      localStream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 20 } },
      });
      const preview = $("[data-live=local]");
      if (preview) preview.srcObject = localStream;
    } catch (error) {
      emit("error", "camera/microphone: " + error.message);
    }
  }

  function newPeer(key) {
    closePeer(key);
    const pc = new RTCPeerConnection({ iceServers: cfg.iceServers || [] });
    peers[key] = pc;
    pc.onicecandidate = (e) => {
      if (e.candidate) send({ type: "signal", to: key, data: { kind: "ice", candidate: e.candidate.toJSON() } });
    };
    pc.ontrack = (e) => {
      // a classroom's transceivers 0–1 carry the host's camera, 2–3 the classroom on stage (see below)
      if (isClassroom && pc.getTransceivers().indexOf(e.transceiver) >= STAGE_SLOT) {
        showStage();
        return;
      }
      const video = document.querySelector(`[data-remote="${key}"]`);
      if (video && video.srcObject !== e.streams[0]) {
        video.srcObject = e.streams[0];
        video.play().catch(() => {});
      }
    };
    pc.onconnectionstatechange = () => emit("peer", { key, state: pc.connectionState });
    if (localStream) {
      for (const track of localStream.getTracks()) pc.addTrack(track, localStream);
    }
    if (isHost) {
      // The host's offer always has four m-lines: camera audio and video (sent, or only received when the
      // host has no camera), then a "stage" audio and video slot, sent with no track until a classroom is
      // brought on stage (连麦). Relaying then needs no renegotiation: replaceTrack() on the slot.
      for (const kind of ["audio", "video"]) {
        if (!localStream || !localStream.getTracks().some((t) => t.kind === kind)) {
          pc.addTransceiver(kind, { direction: "recvonly" });
        }
      }
      pc.stageSenders = ["audio", "video"].map((kind) => pc.addTransceiver(kind, { direction: "sendonly" }).sender);
    }
    return pc;
  }

  // p2p 连麦: the host forwards the staged classroom's camera and microphone to every other classroom
  const STAGE_SLOT = 2;
  // a classroom shows its link's stage slot while another classroom is on stage, and nothing otherwise
  function showStage() {
    const stage = $("[data-remote=stage]");
    if (!isClassroom || !p2p || !stage || !peers.host) return;
    const onStage = state.stage !== null && state.stage !== cfg.classroom;
    const tracks = peers.host.getTransceivers().slice(STAGE_SLOT).map((t) => t.receiver.track).filter(Boolean);
    stage.srcObject = onStage && tracks.length ? new MediaStream(tracks) : null;
    if (stage.srcObject) stage.play().catch(() => {});
  }
  async function relayStage() {
    if (!isHost || !p2p) return;
    const source = state.stage !== null ? peers["classroom-" + state.stage] : null;
    // the staged classroom's camera audio and video arrive in its link's first two transceivers
    const tracks = source ? source.getTransceivers().slice(0, STAGE_SLOT).map((t) => t.receiver.track) : [];
    for (const [key, pc] of Object.entries(peers)) {
      if (!pc.stageSenders) continue;
      try {
        for (const [i, sender] of pc.stageSenders.entries()) {
          await sender.replaceTrack(pc === source ? null : tracks[i] || null); // nobody sees themself
        }
      } catch (error) {
        emit("error", `stage relay to ${key}: ${error.message}`);
      }
      await capBitrate(pc);
    }
  }

  function closePeer(key) {
    if (peers[key]) {
      peers[key].close();
      delete peers[key];
    }
  }

  async function capBitrate(pc) {
    // weak village uplinks: cap video per receiver and give audio the priority, so sound keeps going
    for (const sender of pc.getSenders()) {
      if (!sender.track) continue;
      const params = sender.getParameters();
      params.encodings = params.encodings && params.encodings.length ? params.encodings : [{}];
      if (sender.track.kind === "video") {
        params.encodings[0].maxBitrate = cfg.maxVideoBitrate;
        params.encodings[0].priority = "low";
        params.degradationPreference = "maintain-framerate";
      } else {
        params.encodings[0].priority = "high";
        params.encodings[0].networkPriority = "high";
      }
      try { await sender.setParameters(params); } catch (error) { /* not every browser allows every field */ }
    }
  }

  async function offerTo(key) {
    const pc = newPeer(key);
    await capBitrate(pc);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    send({ type: "signal", to: key, data: { kind: "offer", sdp: pc.localDescription.toJSON() } });
  }

  async function onSignal(from, data) {
    if (isHost && data.kind === "ready") {
      await offerTo(from);
    } else if (isClassroom && data.kind === "offer") {
      const pc = newPeer(from);
      await pc.setRemoteDescription(data.sdp);
      await capBitrate(pc);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      send({ type: "signal", to: from, data: { kind: "answer", sdp: pc.localDescription.toJSON() } });
    } else if (data.kind === "answer" && peers[from]) {
      await peers[from].setRemoteDescription(data.sdp);
      await relayStage(); // a classroom that (re)connects sees the stage, or is the stage again
    } else if (data.kind === "ice" && peers[from]) {
      try { await peers[from].addIceCandidate(data.candidate); } catch (error) { /* late candidate */ }
    }
  }

  // ---- media: Janus VideoRoom (the default whenever the platform runs a Janus) ---------------------
  // Everyone publishes their camera to the lesson's room; the host subscribes to every classroom,
  // a classroom to the host. Django created the room and gave this page its number and PIN.
  function startJanus() {
    const room = cfg.janus.room;
    const pin = cfg.janus.pin;
    const streams = {};
    const known = {}; // display → publisher feed, to subscribe later (a classroom brought on stage)
    // the host sees every classroom; a classroom sees the host and whichever classroom is on stage (连麦)
    const wanted = (display) => (isHost ? display.startsWith("classroom-")
      : display === "host" || (state.stage !== null && display === "classroom-" + state.stage
                               && display !== cfg.key));
    Janus.init({
      debug: false,
      dependencies: Janus.useDefaultDependencies(),
      callback: () => {
        const janus = new Janus({
          server: cfg.janus.ws,
          token: cfg.janus.token, // signed by the platform for this lesson: Janus refuses pages without one
          iceServers: cfg.iceServers || [],
          success: () => attachPublisher(janus),
          error: (error) => { emit("error", "media server: " + error); setTimeout(startJanus, 3000); },
        });
      },
    });

    const subscriptions = {}; // feed id → its subscriber handle (once attached)
    function attachPublisher(janus) {
      let publisher = null;
      const seen = new Set();
      const subscribeAll = (list) => (list || []).forEach((p) => {
        known[p.display] = p;
        if (wanted(p.display) && !seen.has(p.id)) { seen.add(p.id); subscribe(janus, p); }
      });
      // a classroom taken off stage (or replaced) is unsubscribed: its media stops coming, the stage clears
      const dropUnwanted = () => Object.values(known).forEach((p) => {
        if (wanted(p.display) || !seen.has(p.id)) return;
        seen.delete(p.id);
        const stage = $("[data-remote=stage]");
        if (stage && stage.srcObject === streams[p.display]) stage.srcObject = null;
        delete streams[p.display];
        if (subscriptions[p.id]) subscriptions[p.id].detach();
        delete subscriptions[p.id];
      });
      document.addEventListener("sanke:event", (e) => {
        if (e.detail.type === "stage.set") { dropUnwanted(); subscribeAll(Object.values(known)); }
      });
      janus.attach({
        plugin: "janus.plugin.videoroom",
        success: (handle) => {
          publisher = handle;
          handle.send({ message: { request: "join", room, pin, ptype: "publisher", display: cfg.key } });
        },
        error: (error) => emit("error", "media server: " + error),
        onmessage: (message, jsep) => {
          if (message.videoroom === "joined") {
            publisher.createOffer({
              tracks: [
                { type: "audio", capture: localStream ? localStream.getAudioTracks()[0] : true, recv: false },
                { type: "video", capture: localStream ? localStream.getVideoTracks()[0] : true, recv: false },
              ],
              success: (offer) => { janusPublisher = publisher; publisher.send({
                message: { request: "configure", audio: true, video: true, bitrate: cfg.maxVideoBitrate },
                jsep: offer,
              }); },
              error: (error) => emit("error", "publish: " + error),
            });
            subscribeAll(message.publishers);
          } else if (message.videoroom === "event") {
            subscribeAll(message.publishers);
          }
          if (jsep) publisher.handleRemoteJsep({ jsep });
        },
      });
    }

    function subscribe(janus, feed) {
      let handle = null;
      janus.attach({
        plugin: "janus.plugin.videoroom",
        success: (h) => {
          handle = h;
          subscriptions[feed.id] = h;
          h.send({ message: { request: "join", room, pin, ptype: "subscriber", streams: [{ feed: feed.id }] } });
        },
        onmessage: (message, jsep) => {
          if (jsep) {
            handle.createAnswer({
              jsep,
              tracks: [{ type: "data" }],
              success: (answer) => handle.send({ message: { request: "start", room }, jsep: answer }),
              error: (error) => emit("error", "subscribe: " + error),
            });
          }
        },
        onremotetrack: (track, mid, on) => {
          if (!on) return;
          const stream = streams[feed.display] || (streams[feed.display] = new MediaStream());
          if (!stream.getTracks().includes(track)) stream.addTrack(track);
          peers[feed.display] = handle.webrtcStuff.pc;
          const video = document.querySelector(`[data-remote="${feed.display}"]`)
            || (feed.display.startsWith("classroom-") ? document.querySelector("[data-remote=stage]") : null);
          if (video && video.srcObject !== stream) {
            video.srcObject = stream;
            video.play().catch(() => {});
          }
        },
        oncleanup: () => { delete peers[feed.display]; },
      });
    }
  }

  // ---- connection quality, for the host's grid -----------------------------------------------------
  // Rates come from the difference between two getStats() samples (the browser's own framesPerSecond
  // lags and is missing on some versions). A classroom is "poor" when its video falls below half of the
  // best rate it has shown in this lesson, loses more than 5 % of packets or has round trips over
  // 400 ms; "fair" below 80 % / 2 % / 250 ms. A poor classroom stays poor until it has looked good for
  // 10 s, so the host's badge does not flicker on a link that is only briefly better.
  const history = {}; // participant key → previous sample and the best rate seen

  async function sample(key) {
    const pc = peers[key];
    if (!pc) return null;
    const stats = await pc.getStats();
    const now = { t: performance.now(), frames: 0, audioSamples: 0, lost: 0, received: 0, rtt: null };
    stats.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") now.frames = report.framesDecoded || 0;
      if (report.type === "inbound-rtp" && report.kind === "audio") now.audioSamples = report.totalSamplesReceived || 0;
      if (report.type === "inbound-rtp") {
        now.lost += report.packetsLost || 0;
        now.received += report.packetsReceived || 0;
      }
      if (report.type === "candidate-pair" && report.state === "succeeded" && report.currentRoundTripTime) {
        now.rtt = report.currentRoundTripTime;
      }
    });
    return now;
  }

  function classify(h, fps, loss, rtt) {
    h.recent = (h.recent || []).concat([fps]).slice(-3); // ~6 s of samples
    const smooth = h.recent.reduce((a, b) => a + b, 0) / h.recent.length;
    if (h.recent.length === 3) h.peak = Math.max(h.peak || 0, smooth);
    const peak = h.peak || smooth;
    let level = "good";
    if (smooth < 0.8 * peak || loss > 0.02 || (rtt || 0) > 0.25) level = "fair";
    if (smooth < 0.5 * peak || smooth < 5 || loss > 0.05 || (rtt || 0) > 0.4) level = "poor";
    const t = performance.now();
    if (level === "poor") h.poorAt = t;
    else if (h.poorAt && t - h.poorAt < 10000) level = "poor";
    return { level, smooth };
  }

  async function quality(key) {
    const now = await sample(key);
    if (!now) return null;
    const h = history[key] || (history[key] = {});
    const prev = h.last;
    h.last = now;
    if (!prev || now.t <= prev.t) return null;
    const seconds = (now.t - prev.t) / 1000;
    const fps = Math.max(0, now.frames - prev.frames) / seconds;
    const packets = Math.max(0, now.lost - prev.lost) + Math.max(0, now.received - prev.received);
    const loss = packets ? Math.max(0, now.lost - prev.lost) / packets : 0;
    const { level, smooth } = classify(h, fps, loss, now.rtt);
    return { level, fps: smooth, loss, rtt: now.rtt, audioFlowing: now.audioSamples > prev.audioSamples };
  }

  setInterval(async () => {
    for (const key of Object.keys(peers)) {
      const q = await quality(key);
      if (q) emit("quality", { key, ...q });
    }
  }, 2000);

  let janusPublisher = null; // the Janus handle that publishes this page's camera

  // shareScreen(): the host sends courseware instead of the camera (no renegotiation: replaceTrack)
  async function shareScreen(on) {
    let track = localStream ? localStream.getVideoTracks()[0] : null;
    if (on) {
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 10 } });
      track = screen.getVideoTracks()[0];
      track.onended = () => shareScreen(false);
    }
    const outgoing = Object.values(peers);
    if (janusPublisher && janusPublisher.webrtcStuff.pc) outgoing.push(janusPublisher.webrtcStuff.pc);
    for (const pc of outgoing) {
      for (const sender of pc.getSenders()) {
        if (sender.track && sender.track.kind === "video") await sender.replaceTrack(track);
      }
    }
    const preview = $("[data-live=local]");
    if (preview) preview.srcObject = on ? new MediaStream([track]) : localStream;
    emit("screen", on);
  }

  // reconnect(): drop and re-open the socket (the "reconnect" button; also what a network drop does)
  const reconnect = () => ws && ws.close();
  // keep the login alive while the room is open (the idle timeout counts HTTP requests, not WebSocket traffic)
  if (cfg.keepalive) setInterval(() => fetch(cfg.keepalive, { credentials: "same-origin" }).catch(() => {}), 5 * 60000);

  window.sankeLive = { cfg, state, peers, send, sendEvent, quality, reconnect, shareScreen };

  // observers and students' answer pads take part in the events only, without media
  const withMedia = isHost || isClassroom;
  (withMedia ? startMedia() : Promise.resolve()).then(() => {
    connect();
    if (cfg.backend === "janus" && withMedia) startJanus();
  });
})();
