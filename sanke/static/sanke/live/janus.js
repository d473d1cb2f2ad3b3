/* Media through Janus' VideoRoom (the default whenever the platform runs a Janus).
 *
 * Everyone publishes their camera to the lesson's room; the host subscribes to every classroom, a
 * classroom to the host and to whichever classroom is on stage (连麦). Django created the room and gave
 * this page its number, PIN and a token it signed for this lesson; `Janus` is the global of the vendored
 * janus.js, loaded before the page's modules.
 */

const RETRY_MS = 3000;

export function startJanus(room) {
  const { cfg, peers } = room;
  const { room: number, pin } = cfg.janus;
  const streams = {}; // display → the MediaStream its tracks arrive in
  const known = {}; // display → publisher feed, to subscribe later (a classroom brought on stage)
  const subscriptions = {}; // feed id → its subscriber handle (once attached)
  const seen = new Set(); // feed ids subscribed to
  let janus = null;

  const wanted = (display) =>
    room.isHost
      ? display.startsWith("classroom-")
      : display === "host" ||
        (room.state.stage !== null && display === "classroom-" + room.state.stage && display !== cfg.key);

  const subscribeAll = (list) =>
    (list || []).forEach((feed) => {
      known[feed.display] = feed;
      if (wanted(feed.display) && !seen.has(feed.id)) {
        seen.add(feed.id);
        subscribe(feed);
      }
    });

  // a classroom taken off stage (or replaced) is unsubscribed: its media stops coming, the stage clears
  const dropUnwanted = () =>
    Object.values(known).forEach((feed) => {
      if (wanted(feed.display) || !seen.has(feed.id)) return;
      seen.delete(feed.id);
      const stage = document.querySelector("[data-remote=stage]");
      if (stage && stage.srcObject === streams[feed.display]) stage.srcObject = null;
      delete streams[feed.display];
      if (subscriptions[feed.id]) subscriptions[feed.id].detach();
      delete subscriptions[feed.id];
    });

  function connect() {
    // a new session starts from nothing: the old one's feeds and handles died with it
    for (const table of [streams, known, subscriptions]) Object.keys(table).forEach((key) => delete table[key]);
    seen.clear();
    Janus.init({
      debug: false,
      dependencies: Janus.useDefaultDependencies(),
      callback: () => {
        janus = new Janus({
          server: cfg.janus.ws,
          token: cfg.janus.token, // signed by the platform for this lesson: Janus refuses pages without one
          iceServers: cfg.iceServers || [],
          success: attachPublisher,
          error: (error) => {
            room.emit("error", "media server: " + error);
            setTimeout(connect, RETRY_MS);
          },
        });
      },
    });
  }

  function attachPublisher() {
    let publisher = null;
    janus.attach({
      plugin: "janus.plugin.videoroom",
      success: (handle) => {
        publisher = handle;
        handle.send({ message: { request: "join", room: number, pin, ptype: "publisher", display: cfg.key } });
      },
      error: (error) => room.emit("error", "media server: " + error),
      onmessage: (message, jsep) => {
        if (message.videoroom === "joined") {
          const local = room.localStream;
          publisher.createOffer({
            tracks: [
              { type: "audio", capture: local ? local.getAudioTracks()[0] : true, recv: false },
              { type: "video", capture: local ? local.getVideoTracks()[0] : true, recv: false },
            ],
            success: (offer) => {
              room.janusPublisher = publisher;
              publisher.send({
                message: { request: "configure", audio: true, video: true, bitrate: cfg.maxVideoBitrate },
                jsep: offer,
              });
            },
            error: (error) => room.emit("error", "publish: " + error),
          });
          subscribeAll(message.publishers);
        } else if (message.videoroom === "event") {
          subscribeAll(message.publishers);
        }
        if (jsep) publisher.handleRemoteJsep({ jsep });
      },
    });
  }

  function subscribe(feed) {
    let handle = null;
    janus.attach({
      plugin: "janus.plugin.videoroom",
      success: (h) => {
        handle = h;
        subscriptions[feed.id] = h;
        h.send({ message: { request: "join", room: number, pin, ptype: "subscriber", streams: [{ feed: feed.id }] } });
      },
      onmessage: (message, jsep) => {
        if (!jsep) return;
        handle.createAnswer({
          jsep,
          tracks: [{ type: "data" }],
          success: (answer) => handle.send({ message: { request: "start", room: number }, jsep: answer }),
          error: (error) => room.emit("error", "subscribe: " + error),
        });
      },
      onremotetrack: (track, mid, on) => {
        if (!on) return;
        const stream = streams[feed.display] || (streams[feed.display] = new MediaStream());
        if (!stream.getTracks().includes(track)) stream.addTrack(track);
        peers[feed.display] = handle.webrtcStuff.pc;
        const video =
          document.querySelector(`[data-remote="${feed.display}"]`) ||
          (feed.display.startsWith("classroom-") ? document.querySelector("[data-remote=stage]") : null);
        if (video && video.srcObject !== stream) {
          video.srcObject = stream;
          video.play().catch(() => {});
        }
      },
      oncleanup: () => {
        delete peers[feed.display];
      },
    });
  }

  function onStageChange() {
    dropUnwanted();
    subscribeAll(Object.values(known));
  }

  connect();
  return { onStageChange };
}
