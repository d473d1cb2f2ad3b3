/* A recording's page. While it is processed: ask the status endpoint every 2 s and show the state, the
 * place in the queue, the progress and a failure's reason; reload once it is ready. When ready: play it
 * with hls.js (adaptive bitrate between the renditions; Safari/iOS play HLS natively), speed 0.75–2×,
 * resume where this viewer stopped (kept in this browser), and chapters that seek. */
import Hls from "../../vendor/hls.js/hls.mjs";

const statusCard = document.querySelector("[data-recording-status]");
const video = document.querySelector("[data-player]");
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));

if (statusCard) {
  const texts = JSON.parse(document.getElementById("status-texts").textContent);
  const label = statusCard.querySelector("[data-label]");
  const detail = statusCard.querySelector("[data-detail]");
  const bar = statusCard.querySelector("[data-bar]");
  const failure = statusCard.querySelector("[data-failure]");
  const poll = async () => {
    const response = await fetch(statusCard.dataset.url, { headers: { Accept: "application/json" } });
    if (!response.ok) return true;
    const status = await response.json();
    if (status.ready) {
      window.location.reload();
      return false;
    }
    statusCard.dataset.state = status.state;
    label.textContent = status.label;
    const parts = [];
    if (status.position) parts.push(fill(texts.position, status));
    if (status.state === "processing") parts.push(fill(texts.progress, { progress: `${status.progress}%` }));
    if (status.seconds_left) parts.push(fill(texts.left, { minutes: Math.max(1, Math.round(status.seconds_left / 60)) }));
    detail.textContent = parts.join(" · ");
    bar.value = status.state === "uploading" ? status.upload_percent : status.progress;
    failure.textContent = status.failure;
    failure.classList.toggle("d-none", !status.failure);
    return status.state !== "failed";
  };
  const loop = async () => {
    let again = true;
    try {
      again = await poll();
    } catch {
      again = true;
    }
    if (again) window.setTimeout(loop, 2000);
  };
  loop();
}

if (video) {
  const source = video.dataset.src;
  const key = `sanke-resume-${video.dataset.resumeKey}`;
  let hls = null;
  if (video.canPlayType("application/vnd.apple.mpegurl") && !Hls.isSupported()) {
    video.src = source; // iOS Safari: native HLS
  } else if (Hls.isSupported()) {
    hls = new Hls({ enableWorker: false, capLevelToPlayerSize: true });
    hls.loadSource(source);
    hls.attachMedia(video);
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
      else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
    });
  }
  const saved = Number(window.localStorage.getItem(key) || 0);
  video.addEventListener(
    "loadedmetadata",
    () => {
      if (saved > 5 && saved < video.duration - 5) video.currentTime = saved;
    },
    { once: true },
  );
  let lastSaved = 0;
  video.addEventListener("timeupdate", () => {
    if (Math.abs(video.currentTime - lastSaved) >= 5) {
      lastSaved = video.currentTime;
      window.localStorage.setItem(key, String(Math.floor(video.currentTime)));
    }
  });
  video.addEventListener("ended", () => window.localStorage.removeItem(key));
  const speed = document.querySelector("[data-speed]");
  speed.addEventListener("change", () => {
    video.playbackRate = Number(speed.value);
  });
  const level = document.querySelector("[data-level]");
  level.addEventListener("change", () => {
    if (hls) hls.currentLevel = Number(level.value);
  });
  for (const button of document.querySelectorAll("[data-seek]")) {
    button.addEventListener("click", () => {
      video.currentTime = Number(button.dataset.seek);
      video.play();
    });
  }
  const at = document.querySelector("[data-chapter-at]");
  if (at) {
    at.addEventListener("focus", () => {
      if (!at.value) {
        const s = Math.floor(video.currentTime);
        at.value = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
      }
    });
  }
}
