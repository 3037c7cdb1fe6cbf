// Errors of the requests htmx sends in the background (a like, a follow, a page of posts).
// htmx swaps nothing when the answer is an error, so without this a refused action would look
// like a button that does nothing. Hearth answers an htmx request's error with a short notice
// (web/_notice.html), whose text is shown in the page's notice area; an answer that isn't
// Hearth's (a proxy's 502) or no answer at all gets a general message instead.
(() => {
  const GENERAL = {
    0: "Couldn’t reach the server. Check your connection, then try again.",
    403: "That didn’t go through. Reload the page and try again.",
    429: "You’re doing that a lot. Wait a minute, then try again.",
  };
  const FALLBACK = "Something went wrong. Try again in a moment.";
  const SHOWN_FOR_MS = 12000;
  let timer = null;

  function show(text) {
    const area = document.getElementById("notice");
    if (!area) return;
    area.querySelector(".notice__text").textContent = text;
    area.classList.add("notice--shown");
    clearTimeout(timer);
    timer = setTimeout(() => area.classList.remove("notice--shown"), SHOWN_FOR_MS);
  }

  function noticeOf(xhr) {
    const type = xhr.getResponseHeader("Content-Type") || "";
    if (!type.startsWith("text/html")) return "";
    const answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const notice = answer.querySelector("[data-notice]");
    return notice ? notice.textContent.trim() : "";
  }

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    show(noticeOf(xhr) || GENERAL[xhr.status] || FALLBACK);
  });
  document.addEventListener("htmx:sendError", () => show(GENERAL[0]));
  document.addEventListener("click", (event) => {
    if (event.target.closest(".notice__close")) {
      document.getElementById("notice").classList.remove("notice--shown");
    }
  });
})();
