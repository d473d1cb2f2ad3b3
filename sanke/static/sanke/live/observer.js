/* An observer's view of a lesson (patrol): the lesson's events and status, no media. */
import { startRoom } from "./room.js";

const live = startRoom();
const status = document.querySelector("[data-live=status]");
const show = () => {
  status.textContent = live.statusLabel();
};
document.addEventListener("sanke:event", show);
document.addEventListener("sanke:status", show);
