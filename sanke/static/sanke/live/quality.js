/* Connection quality of each media link, for the host's grid of classrooms.
 *
 * Rates come from the difference between two getStats() samples (the browser's own framesPerSecond lags
 * and is missing on some versions). A classroom is "poor" when its video falls below half of the best
 * rate it has shown in this lesson, loses more than 5 % of packets or has round trips over 400 ms; "fair"
 * below 80 % / 2 % / 250 ms. A poor classroom stays poor until it has looked good for 10 s, so the host's
 * badge does not flicker on a link that is only briefly better.
 */

const SAMPLE_MS = 2000;
const SMOOTHING = 3; // samples averaged (~6 s)
const POOR_HOLD_MS = 10000;

async function sample(pc) {
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

export function classify(h, fps, loss, rtt, t = performance.now()) {
  h.recent = (h.recent || []).concat([fps]).slice(-SMOOTHING);
  const smooth = h.recent.reduce((a, b) => a + b, 0) / h.recent.length;
  if (h.recent.length === SMOOTHING) h.peak = Math.max(h.peak || 0, smooth);
  const peak = h.peak || smooth;
  let level = "good";
  if (smooth < 0.8 * peak || loss > 0.02 || (rtt || 0) > 0.25) level = "fair";
  if (smooth < 0.5 * peak || smooth < 5 || loss > 0.05 || (rtt || 0) > 0.4) level = "poor";
  if (level === "poor") h.poorAt = t;
  else if (h.poorAt && t - h.poorAt < POOR_HOLD_MS) level = "poor";
  return { level, smooth };
}

/* quality(key): the link's level, frame rate, loss, round trip and whether audio flows (null at first). */
export function watchQuality(room) {
  const history = {}; // participant key → previous sample and the best rate seen

  async function quality(key) {
    const pc = room.peers[key];
    if (!pc) return null;
    const now = await sample(pc);
    const h = history[key] || (history[key] = {});
    const prev = h.last;
    h.last = now;
    if (!prev || now.t <= prev.t) return null;
    const seconds = (now.t - prev.t) / 1000;
    const fps = Math.max(0, now.frames - prev.frames) / seconds;
    const packets = Math.max(0, now.lost - prev.lost) + Math.max(0, now.received - prev.received);
    const loss = packets ? Math.max(0, now.lost - prev.lost) / packets : 0;
    const { level, smooth } = classify(h, fps, loss, now.rtt, now.t);
    return { level, fps: smooth, loss, rtt: now.rtt, audioFlowing: now.audioSamples > prev.audioSamples };
  }

  setInterval(async () => {
    for (const key of Object.keys(room.peers)) {
      const q = await quality(key);
      if (q) room.emit("quality", { key, ...q });
    }
  }, SAMPLE_MS);
  return quality;
}
