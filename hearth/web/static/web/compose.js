// Small helpers for posts, without a build step. Everything works without them:
// the server checks the length and "Copy link" is a link to the post.
(function () {
  "use strict";
  // Links count as 23 characters whatever their length (as the server counts them).
  var URL_RE = /https?:\/\/\S+/g;
  var LINK_LENGTH = 23;

  function length(text) {
    var links = text.match(URL_RE) || [];
    var rest = text.replace(URL_RE, "");
    return Array.from(rest).length + links.length * LINK_LENGTH;
  }

  function setUp(form) {
    var textarea = form.querySelector("[data-compose-text]");
    var counter = form.querySelector("[data-compose-counter]");
    var max = parseInt(form.getAttribute("data-max-chars"), 10) || 500;
    if (!textarea || !counter) return;
    function update() {
      var left = max - length(textarea.value);
      counter.textContent = left >= 0 ? left + " characters left" : -left + " characters too many";
      counter.classList.toggle("is-over", left < 0);
    }
    textarea.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-compose]").forEach(setUp);
  });

  // "Copy link" in a post's menu: copy instead of following the link, when the browser lets us.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard) return;
    event.preventDefault();
    navigator.clipboard.writeText(link.getAttribute("data-copy-link")).then(function () {
      link.textContent = "Link copied";
      var menu = link.closest("details");
      setTimeout(function () {
        link.textContent = "Copy link";
        if (menu) menu.removeAttribute("open");
      }, 1200);
    });
  });
})();
