/* The upload page: send a video with tus (tus-js-client, loaded before this module as window.tus) in
 * chunks the server appends one by one. A dropped connection is retried; a page opened again with the
 * same file resumes from the server's offset (tus-js-client remembers the upload URL by the file's
 * fingerprint). Words come from the page's JSON block #upload-texts. */
const card = document.querySelector("[data-recording-upload]");

if (card) {
  const texts = JSON.parse(document.getElementById("upload-texts").textContent);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
  const csrf = card.querySelector("input[name=csrfmiddlewaretoken]").value;
  const fileInput = card.querySelector("input[type=file]");
  const start = card.querySelector("[data-start]");
  const pause = card.querySelector("[data-pause]");
  const progress = card.querySelector("[data-progress]");
  const bar = progress.querySelector("progress");
  const text = progress.querySelector("[data-text]");
  const error = card.querySelector("[data-error]");
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  let upload = null;

  const showError = (message) => {
    error.textContent = message;
    error.classList.remove("d-none");
  };

  const metadata = (file) => {
    const meta = { filename: file.name, filetype: file.type || "", title: card.querySelector("[name=title]").value };
    const lesson = card.querySelector("[name=lesson]");
    const school = card.querySelector("[name=school]");
    if (lesson) meta.lesson = lesson.value;
    else if (school) meta.school = school.value;
    return meta;
  };

  start.addEventListener("click", async () => {
    error.classList.add("d-none");
    const file = fileInput.files[0];
    if (!file) {
      showError(texts.choose);
      return;
    }
    let recordingUrl = null;
    upload = new window.tus.Upload(file, {
      endpoint: card.dataset.endpoint,
      chunkSize: Number(card.dataset.chunk),
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      removeFingerprintOnSuccess: true,
      metadata: metadata(file),
      headers: { "X-CSRFToken": csrf },
      onAfterResponse: (req, res) => {
        const url = res.getHeader("X-Recording-Url");
        if (url) {
          recordingUrl = url;
          window.localStorage.setItem(`sanke-upload-${upload.url}`, url);
        }
      },
      onProgress: (sent, total) => {
        bar.value = Math.floor((100 * sent) / total);
        text.textContent = fill(texts.progress, { done: mb(sent), total: mb(total), percent: `${bar.value}%` });
      },
      onError: (err) => {
        start.disabled = false;
        pause.classList.add("d-none");
        const body = err.originalResponse ? err.originalResponse.getBody() : "";
        showError(fill(texts.failed, { reason: body || err.message }));
      },
      onSuccess: () => {
        text.textContent = texts.done;
        const target = recordingUrl || window.localStorage.getItem(`sanke-upload-${upload.url}`);
        window.localStorage.removeItem(`sanke-upload-${upload.url}`);
        if (target) window.location.assign(target);
      },
    });
    const previous = await upload.findPreviousUploads();
    if (previous.length) {
      upload.resumeFromPreviousUpload(previous[0]);
      text.textContent = texts.resumed;
    }
    start.disabled = true;
    pause.classList.remove("d-none");
    progress.classList.remove("d-none");
    upload.start();
  });

  pause.addEventListener("click", () => {
    if (!upload) return;
    upload.abort();
    start.disabled = false;
    pause.classList.add("d-none");
    text.textContent = texts.paused;
  });
}
