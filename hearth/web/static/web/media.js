// Photos: the full-screen viewer for posts' images, and the compose box's picker (drag-and-drop,
// previews, upload progress, a description per image, remove before posting).
// Without this script every image is a link to the full picture and the compose box has plain
// file fields, so nothing here is needed to post or look at photos.
(function () {
  "use strict";

  // --- The viewer ------------------------------------------------------------------------------

  var viewer = null;
  var items = [];
  var index = 0;
  var opener = null;

  function buildViewer() {
    var dialog = document.createElement("dialog");
    dialog.className = "media-viewer";
    dialog.setAttribute("aria-label", "Image viewer");
    dialog.innerHTML =
      '<figure class="media-viewer__figure"><img class="media-viewer__image" alt="">' +
      '<figcaption class="media-viewer__caption"></figcaption></figure>' +
      '<button type="button" class="media-viewer__close" aria-label="Close (Esc)">×</button>' +
      '<button type="button" class="media-viewer__prev" aria-label="Previous image (←)">‹</button>' +
      '<button type="button" class="media-viewer__next" aria-label="Next image (→)">›</button>' +
      '<p class="media-viewer__count" aria-live="polite"></p>';
    dialog.querySelector(".media-viewer__close").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".media-viewer__prev").addEventListener("click", function () { show(index - 1); });
    dialog.querySelector(".media-viewer__next").addEventListener("click", function () { show(index + 1); });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close(); // the backdrop
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(index - 1); event.preventDefault(); }
      if (event.key === "ArrowRight") { show(index + 1); event.preventDefault(); }
    });
    dialog.addEventListener("close", function () {
      if (opener) opener.focus();
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  function show(next) {
    if (!items.length) return;
    index = (next + items.length) % items.length;
    var link = items[index];
    var image = viewer.querySelector(".media-viewer__image");
    image.src = link.dataset.full;
    image.alt = link.dataset.alt || "";
    if (link.dataset.width) image.width = Number(link.dataset.width);
    if (link.dataset.height) image.height = Number(link.dataset.height);
    viewer.querySelector(".media-viewer__caption").textContent = link.dataset.alt || "";
    var many = items.length > 1;
    viewer.querySelector(".media-viewer__prev").hidden = !many;
    viewer.querySelector(".media-viewer__next").hidden = !many;
    viewer.querySelector(".media-viewer__count").textContent =
      many ? "Image " + (index + 1) + " of " + items.length : "";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-media-open]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    var gallery = link.closest("[data-media-gallery]");
    var toggle = gallery && gallery.querySelector(".media-gallery__toggle");
    if (toggle && !toggle.checked) { // a sensitive image: the first click reveals it
      event.preventDefault();
      toggle.checked = true;
      return;
    }
    if (typeof HTMLDialogElement !== "function") return; // old browser: follow the link
    event.preventDefault();
    viewer = viewer || buildViewer();
    items = Array.prototype.slice.call(gallery.querySelectorAll("[data-media-open]"));
    opener = link;
    show(items.indexOf(link));
    viewer.showModal();
    viewer.querySelector(".media-viewer__close").focus();
  });

  // --- The compose box -------------------------------------------------------------------------

  function setUpCompose(area) {
    var form = area.closest("form");
    var files = area.querySelector("[data-compose-files]");
    var list = area.querySelector("[data-compose-previews]");
    var status = area.querySelector("[data-compose-media-status]");
    var max = Number(area.dataset.maxFiles || 4);
    var requireAlt = area.dataset.requireAlt === "true";
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var submit = form.querySelector("button[type=submit]");
    var pending = 0;

    // The plain file fields go; a picker takes their place.
    files.hidden = true;
    files.querySelectorAll("input, textarea").forEach(function (input) { input.disabled = true; });
    var picker = document.createElement("input");
    picker.type = "file";
    picker.multiple = true;
    picker.accept = "image/jpeg,image/png,image/webp,image/gif";
    picker.className = "visually-hidden";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary compose__add-images";
    button.textContent = "Add images";
    button.addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () { addFiles(picker.files); picker.value = ""; });
    area.insertBefore(button, files);
    area.insertBefore(picker, files);
    var hint = document.createElement("span");
    hint.className = "compose__drop-hint muted";
    hint.textContent = " or drop them on the box (up to " + max + ")";
    area.insertBefore(hint, files);

    form.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        form.classList.add("is-dropping");
      }
    });
    form.addEventListener("dragleave", function () { form.classList.remove("is-dropping"); });
    form.addEventListener("drop", function (event) {
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      form.classList.remove("is-dropping");
      addFiles(event.dataTransfer.files);
    });

    form.addEventListener("submit", function (event) {
      if (pending) {
        event.preventDefault();
        say("Please wait until the images have finished uploading.");
        return;
      }
      var missing = list.querySelectorAll("textarea[data-alt]:not(:disabled)");
      var undescribed = Array.prototype.filter.call(missing, function (t) { return !t.value.trim(); });
      if (undescribed.length && requireAlt) {
        event.preventDefault();
        say("Describe each image before posting (your preferences ask for it).");
        undescribed[0].focus();
      }
    });

    function count() {
      return list.children.length + form.querySelectorAll("input[type=hidden][name=media_ids]:not([data-new])").length;
    }

    function say(message) { status.textContent = message; }

    function addFiles(chosen) {
      Array.prototype.forEach.call(chosen, function (file) {
        if (count() >= max) { say("A post can have up to " + max + " images."); return; }
        upload(file);
      });
    }

    function upload(file) {
      list.hidden = false;
      var item = document.createElement("li");
      item.className = "compose__preview";
      var preview = document.createElement("img");
      preview.alt = "";
      preview.src = URL.createObjectURL(file);
      var progress = document.createElement("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", "Uploading " + file.name);
      var error = document.createElement("p");
      error.className = "compose__preview-error";
      error.setAttribute("role", "alert");
      var label = document.createElement("label");
      label.textContent = "Description (alt text)";
      var alt = document.createElement("textarea");
      alt.rows = 2;
      alt.maxLength = 1500;
      alt.disabled = true;
      alt.dataset.alt = "";
      alt.placeholder = "What does this image show?";
      var altId = "alt-" + Math.random().toString(36).slice(2);
      alt.id = altId;
      label.htmlFor = altId;
      var nudge = document.createElement("small");
      nudge.className = "compose__alt-nudge";
      nudge.textContent = requireAlt ? "Required by your preferences." : "No description yet: people using screen readers won’t know what this shows.";
      alt.addEventListener("input", function () { nudge.hidden = !!alt.value.trim(); });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button--secondary compose__remove";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove " + file.name);
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.dataset.new = "";
      [preview, progress, error, label, alt, nudge, remove].forEach(function (node) { item.appendChild(node); });
      list.appendChild(item);

      var xhr = new XMLHttpRequest();
      pending += 1;
      submit.disabled = true;
      var finished = false;
      function done() {
        if (finished) return;
        finished = true;
        pending -= 1;
        submit.disabled = pending > 0;
        progress.hidden = true;
      }
      remove.addEventListener("click", function () {
        if (!finished) xhr.abort();
        done();
        URL.revokeObjectURL(preview.src);
        item.remove();
        list.hidden = !list.children.length;
        say(file.name + " removed.");
      });
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        done();
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 201) {
          hidden.name = "media_ids";
          hidden.value = body.id;
          item.appendChild(hidden);
          alt.name = "media_description_" + body.id;
          alt.disabled = false;
          say(file.name + " uploaded.");
        } else {
          error.textContent = body.error || "This image couldn’t be uploaded.";
          label.hidden = alt.hidden = nudge.hidden = true;
        }
      });
      xhr.addEventListener("error", function () {
        done();
        error.textContent = "The upload failed. Check your connection and try again.";
        label.hidden = alt.hidden = nudge.hidden = true;
      });
      var data = new FormData();
      data.append("file", file);
      xhr.open("POST", area.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.send(data);
    }
  }

  function init() {
    document.querySelectorAll("[data-compose-media]").forEach(function (area) {
      if (area.dataset.ready) return;
      area.dataset.ready = "1";
      setUpCompose(area);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  document.addEventListener("htmx:afterSwap", init);
})();
