/* Peer-to-peer media: a star of RTCPeerConnections, the host exchanging audio and video directly with
 * each receiving classroom (the fallback when the platform runs no Janus; ≤ 4 classrooms).
 *
 * Offers, answers and ICE candidates travel as "signal" messages over the lesson socket. A classroom says
 * "ready" (on hello, and whenever the host comes back); the host answers with a fresh offer, which
 * replaces any earlier link to that classroom.
 *
 * Nothing leaves a classroom before 开始上课 or after 下课: links exist only while the lesson is live. A
 * classroom says "ready" only then, the host offers only then (a "ready" that overtakes the host's own
 * lesson.started waits for it), a classroom takes no offer otherwise, and the end closes every link.
 */

// a classroom's transceivers 0–1 carry the host's camera, 2–3 the classroom on stage (连麦)
const STAGE_SLOT = 2;

export function createPeerStar(room) {
  const { cfg, peers } = room;
  const live = () => room.state.status === "live";
  const waitingReady = new Set(); // classrooms that said "ready" before the host's page knew the lesson is live

  function newPeer(key) {
    closePeer(key);
    const pc = new RTCPeerConnection({ iceServers: cfg.iceServers || [] });
    peers[key] = pc;
    pc.onicecandidate = (e) => {
      if (e.candidate) room.send({ type: "signal", to: key, data: { kind: "ice", candidate: e.candidate.toJSON() } });
    };
    pc.ontrack = (e) => {
      if (room.isClassroom && pc.getTransceivers().indexOf(e.transceiver) >= STAGE_SLOT) {
        showStage();
        return;
      }
      const video = document.querySelector(`[data-remote="${key}"]`);
      if (video && video.srcObject !== e.streams[0]) {
        video.srcObject = e.streams[0];
        video.play().catch(() => {});
      }
    };
    pc.onconnectionstatechange = () => room.emit("peer", { key, state: pc.connectionState });
    if (room.localStream) {
      for (const track of room.localStream.getTracks()) pc.addTrack(track, room.localStream);
    }
    if (room.isHost) {
      // The host's offer always has four m-lines: camera audio and video (sent, or only received when the
      // host has no camera), then a "stage" audio and video slot, sent with no track until a classroom is
      // brought on stage (连麦). Relaying then needs no renegotiation: replaceTrack() on the slot.
      for (const kind of ["audio", "video"]) {
        if (!room.localStream || !room.localStream.getTracks().some((t) => t.kind === kind)) {
          pc.addTransceiver(kind, { direction: "recvonly" });
        }
      }
      pc.stageSenders = ["audio", "video"].map((kind) => pc.addTransceiver(kind, { direction: "sendonly" }).sender);
    }
    return pc;
  }

  // a classroom shows its link's stage slot while another classroom is on stage, and nothing otherwise
  function showStage() {
    const stage = document.querySelector("[data-remote=stage]");
    if (!room.isClassroom || !room.p2p || !stage || !peers.host) return;
    const onStage = room.state.stage !== null && room.state.stage !== cfg.classroom;
    const tracks = peers.host.getTransceivers().slice(STAGE_SLOT).map((t) => t.receiver.track).filter(Boolean);
    stage.srcObject = onStage && tracks.length ? new MediaStream(tracks) : null;
    if (stage.srcObject) stage.play().catch(() => {});
  }

  // p2p 连麦: the host forwards the staged classroom's camera and microphone to every other classroom
  async function relayStage() {
    if (!room.isHost || !room.p2p) return;
    const source = room.state.stage !== null ? peers["classroom-" + room.state.stage] : null;
    // the staged classroom's camera audio and video arrive in its link's first two transceivers
    const tracks = source ? source.getTransceivers().slice(0, STAGE_SLOT).map((t) => t.receiver.track) : [];
    for (const [key, pc] of Object.entries(peers)) {
      if (!pc.stageSenders) continue;
      try {
        for (const [i, sender] of pc.stageSenders.entries()) {
          await sender.replaceTrack(pc === source ? null : tracks[i] || null); // nobody sees themself
        }
      } catch (error) {
        room.emit("error", `stage relay to ${key}: ${error.message}`);
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

  // weak village uplinks: cap video per receiver and give audio the priority, so sound keeps going
  async function capBitrate(pc) {
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
      try {
        await sender.setParameters(params);
      } catch (error) {
        /* not every browser allows every field */
      }
    }
  }

  async function offerTo(key) {
    const pc = newPeer(key);
    await capBitrate(pc);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    room.send({ type: "signal", to: key, data: { kind: "offer", sdp: pc.localDescription.toJSON() } });
  }

  // a link closed meanwhile (the lesson ended, a newer offer replaced it) ends its negotiation quietly
  async function onSignal(from, data) {
    try {
      await negotiate(from, data);
    } catch (error) {
      if (error && error.name === "InvalidStateError") return;
      throw error;
    }
  }

  async function negotiate(from, data) {
    if (room.isHost && data.kind === "ready") {
      if (live()) await offerTo(from);
      else waitingReady.add(from);
    } else if (room.isClassroom && data.kind === "offer") {
      if (!live()) return; // no media before the start or after the end, whoever asks
      const pc = newPeer(from);
      await pc.setRemoteDescription(data.sdp);
      await capBitrate(pc);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      room.send({ type: "signal", to: from, data: { kind: "answer", sdp: pc.localDescription.toJSON() } });
    } else if (data.kind === "answer" && peers[from]) {
      await peers[from].setRemoteDescription(data.sdp);
      await relayStage(); // a classroom that (re)connects sees the stage, or is the stage again
    } else if (data.kind === "ice" && peers[from]) {
      try {
        await peers[from].addIceCandidate(data.candidate);
      } catch (error) {
        /* a late candidate */
      }
    }
  }

  const ready = () => {
    if (live()) room.send({ type: "signal", to: "host", data: { kind: "ready" } });
  };

  /* Socket messages that concern the media links. */
  function onMessage(message) {
    if (message.type === "hello") {
      if (room.isClassroom && room.p2p) ready();
    } else if (message.type === "presence" && room.p2p) {
      if (room.isHost && message.key.startsWith("classroom-")) {
        // a classroom that left keeps its peer until it says "ready" again (a fresh offer replaces it):
        // closing on "gone" could race with the reconnection's "ready" and drop the new link
        room.emit("peer", { key: message.key, state: message.state });
      } else if (room.isClassroom && message.key === "host" && message.state === "here") {
        ready();
      }
    } else if (message.type === "signal") {
      onSignal(message.from, message.data || {});
    }
  }

  function onStageChange() {
    relayStage();
    showStage();
  }

  /* The lesson starts: a classroom asks for its link, the host answers those who asked early. It ends (or
   * is no longer live for any reason): every link closes. */
  function onStatus(status) {
    if (status === "live") {
      if (room.isClassroom && room.p2p) ready();
      if (room.isHost) [...waitingReady].forEach((key) => offerTo(key));
      waitingReady.clear();
    } else {
      waitingReady.clear();
      Object.keys(peers).forEach(closePeer);
    }
  }

  return { onMessage, onStageChange, onStatus };
}
