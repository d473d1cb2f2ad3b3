/* Media through Janus' VideoRoom (the default whenever the platform runs a Janus).
 *
 * Everyone publishes their camera to the lesson's room; the host subscribes to every classroom, a
 * classroom to the host and to whichever classroom is on stage (连麦). The room exists only while the
 * lesson is live: when the socket says so, the page asks the platform for a ticket (POST media.ticket) —
 * the room's number and PIN, the feed id the platform assigned to this page, its Janus token and its join
 * token (signed for this room), both this page's own and valid for this lesson's time only. A new ticket is fetched for every (re)connection and before the
 * token expires. Who is who comes from the platform's roster (feed id → "host" / "classroom-<pk>"), never
 * from display names, which clients choose themselves; a publisher the page does not know is looked up
 * (GET media.roster), and the platform kicks it if it did not admit it. `Janus` is the global of the
 * vendored janus.js, loaded before the page's modules.
 */

const RETRY_MS = 3000;
const RENEW_BEFORE_MS = 60000; // a new ticket this long before the token expires

export function startJanus(room) {
  const { cfg, peers } = room;
  const streams = {}; // feed id → the MediaStream its tracks arrive in
  const known = {}; // feed id → publisher seen in the room, to subscribe later (a classroom on stage)
  const subscriptions = {}; // feed id → its subscriber handle (once attached)
  const seen = new Set(); // feed ids subscribed to
  let roster = {}; // feed id → participant key, as the platform names them
  let ticket = null;
  let janus = null;
  let privateId = null; // our publisher's private id: the room lets only publishers subscribe
  let running = false; // the lesson is live and this page takes part
  let timer = null;
  let initialized = false;

  const keyOf = (id) => roster[String(id)];
  const wanted = (id) => {
    const key = keyOf(id);
    if (!key || key === cfg.key) return false;
    return room.isHost
      ? key.startsWith("classroom-")
      : key === "host" || (room.state.stage !== null && key === "classroom-" + room.state.stage);
  };

  function later(fn, ms) {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  }

  async function fetchTicket() {
    const response = await fetch(cfg.media.ticket, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": cfg.media.csrf },
    });
    if (response.status === 409) return null; // no room: the lesson is not live (any more)
    if (!response.ok) throw new Error("ticket " + response.status);
    return response.json();
  }

  async function refreshRoster() {
    const response = await fetch(cfg.media.roster, { credentials: "same-origin" });
    if (!response.ok) throw new Error("roster " + response.status);
    roster = (await response.json()).roster || {};
  }

  function subscribeWanted() {
    Object.values(known).forEach((feed) => {
      if (wanted(feed.id) && !seen.has(feed.id)) {
        seen.add(feed.id);
        subscribe(feed);
      }
    });
  }

  // publishers announced by Janus: subscribe to those the platform names; ask it about the others
  function onPublishers(list) {
    let unknown = false;
    (list || []).forEach((feed) => {
      known[feed.id] = feed;
      if (!keyOf(feed.id)) unknown = true;
    });
    if (!unknown) return subscribeWanted();
    refreshRoster()
      .catch((error) => room.emit("error", "media roster: " + error.message))
      .then(subscribeWanted);
  }

  // a feed that left is forgotten: if its id comes back, the platform is asked again; telling the platform
  // (a roster check) lets it retire the id, so nobody else can take it over
  function onGone(id) {
    drop(id);
    delete known[id];
    delete roster[String(id)];
    refreshRoster().catch(() => {});
  }

  function drop(id) {
    if (!seen.has(id)) return;
    seen.delete(id);
    const key = keyOf(id);
    const stage = document.querySelector("[data-remote=stage]");
    if (stage && stage.srcObject === streams[id]) stage.srcObject = null;
    const video = key ? document.querySelector(`[data-remote="${key}"]`) : null;
    if (video && video.srcObject === streams[id]) video.srcObject = null;
    delete streams[id];
    if (subscriptions[id]) subscriptions[id].detach();
    delete subscriptions[id];
    if (key) delete peers[key];
  }

  // a classroom taken off stage (or replaced) is unsubscribed: its media stops coming, the stage clears
  const dropUnwanted = () =>
    Object.keys(known).forEach((id) => {
      const feed = known[id];
      if (!wanted(feed.id)) drop(feed.id);
    });

  function teardown() {
    clearTimeout(timer);
    for (const table of [streams, known, subscriptions]) Object.keys(table).forEach((key) => delete table[key]);
    seen.clear();
    privateId = null;
    if (janus) {
      const old = janus;
      janus = null;
      old.destroy({ notifyDestroyed: false, cleanupHandles: true });
    }
  }

  // a new session starts from nothing, with a new ticket: the old feed id and token die with it
  async function connect() {
    teardown();
    if (!running) return;
    try {
      ticket = await fetchTicket();
    } catch (error) {
      room.emit("error", "media ticket: " + error.message);
      if (running) later(connect, RETRY_MS);
      return;
    }
    if (!running) return;
    if (!ticket) {
      running = false; // the lesson is not live: wait for lesson.started
      return;
    }
    roster = { ...ticket.roster };
    const renewIn = ticket.expires * 1000 - Date.now() - RENEW_BEFORE_MS;
    const start = () => {
      const session = new Janus({
        server: ticket.ws,
        token: ticket.token, // this page's, until the lesson's end (the join token names the room)
        iceServers: cfg.iceServers || [],
        success: () => {
          if (session === janus) attachPublisher();
        },
        error: (error) => {
          if (session !== janus) return;
          room.emit("error", "media server: " + error);
          later(connect, RETRY_MS);
        },
      });
      janus = session;
      if (renewIn > 0) later(connect, renewIn);
    };
    if (initialized) return start();
    Janus.init({
      debug: false,
      dependencies: Janus.useDefaultDependencies(),
      callback: () => {
        initialized = true;
        start();
      },
    });
  }

  function attachPublisher() {
    let publisher = null;
    const session = janus;
    session.attach({
      plugin: "janus.plugin.videoroom",
      success: (handle) => {
        publisher = handle;
        handle.send({
          message: {
            request: "join",
            room: ticket.room,
            pin: ticket.pin,
            ptype: "publisher",
            id: ticket.feed, // assigned by the platform: the others know us by it
            token: ticket.join,
            display: cfg.key,
          },
        });
      },
      error: (error) => room.emit("error", "media server: " + error),
      onmessage: (message, jsep) => {
        if (session !== janus) return;
        if (message.videoroom === "joined") {
          privateId = message.private_id;
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
          onPublishers(message.publishers);
        } else if (message.videoroom === "destroyed") {
          running = false; // the lesson ended
          teardown();
        } else if (message.videoroom === "event") {
          if (message.error_code) {
            // refused (an id taken, a token revoked) or kicked: start again with a new ticket
            room.emit("error", "media room: " + message.error);
            later(connect, RETRY_MS);
          } else if (message.leaving === "ok") {
            // kicked: another page of the same participant took over (the newest ticket wins), so stop here
            room.emit("error", "media room: " + (message.reason || "left"));
            running = false;
            teardown();
          } else {
            if (message.leaving) onGone(message.leaving);
            if (message.unpublished && message.unpublished !== "ok") onGone(message.unpublished);
            if (message.kicked) onGone(message.kicked);
            onPublishers(message.publishers);
          }
        }
        if (jsep) publisher.handleRemoteJsep({ jsep });
      },
    });
  }

  function subscribe(feed) {
    let handle = null;
    const key = keyOf(feed.id);
    janus.attach({
      plugin: "janus.plugin.videoroom",
      success: (h) => {
        handle = h;
        subscriptions[feed.id] = h;
        h.send({
          message: {
            request: "join",
            room: ticket.room,
            pin: ticket.pin,
            ptype: "subscriber",
            token: ticket.join,
            private_id: privateId,
            streams: [{ feed: feed.id }],
          },
        });
      },
      onmessage: (message, jsep) => {
        if (!jsep) return;
        handle.createAnswer({
          jsep,
          tracks: [{ type: "data" }],
          success: (answer) => handle.send({ message: { request: "start", room: ticket.room }, jsep: answer }),
          error: (error) => room.emit("error", "subscribe: " + error),
        });
      },
      onremotetrack: (track, mid, on) => {
        if (!on || !seen.has(feed.id)) return;
        const stream = streams[feed.id] || (streams[feed.id] = new MediaStream());
        if (!stream.getTracks().includes(track)) stream.addTrack(track);
        peers[key] = handle.webrtcStuff.pc;
        const video =
          document.querySelector(`[data-remote="${key}"]`) ||
          (key.startsWith("classroom-") ? document.querySelector("[data-remote=stage]") : null);
        if (video && video.srcObject !== stream) {
          video.srcObject = stream;
          video.play().catch(() => {});
        }
      },
      oncleanup: () => {
        if (handle && peers[key] === handle.webrtcStuff.pc) delete peers[key];
      },
    });
  }

  function onStageChange() {
    dropUnwanted();
    subscribeWanted();
  }

  // the lesson's status, from the socket: media runs while it is live
  function onStatus(status) {
    if (status === "live" && !running) {
      running = true;
      connect();
    } else if (status !== "live" && running) {
      running = false;
      teardown();
    }
  }

  return { onStageChange, onStatus };
}
