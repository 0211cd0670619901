// comms-builder staff page: live preview, template search and the copy buttons. The page works
// without this script (the form posts back to the server); this only makes it quicker.
(function () {
  "use strict";
  var form = document.getElementById("comms-form");
  if (!form || !window.fetch) return;

  // Template search: show only the templates whose name or purpose matches.
  var searchBox = document.querySelector(".search");
  var search = document.getElementById("template-search");
  if (searchBox && search) {
    searchBox.hidden = false;
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().trim();
      document.querySelectorAll(".template-option").forEach(function (option) {
        var box = option.querySelector("input");
        var matches = !words || option.textContent.toLowerCase().indexOf(words) !== -1;
        option.hidden = !matches && !box.checked;
      });
    });
  }
  // With the live preview the questions appear by themselves.
  var showQuestions = document.getElementById("show-questions");
  if (showQuestions) showQuestions.hidden = true;

  function chosenTemplates() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=template]:checked"), function (box) {
      return box.value;
    }).join(",");
  }

  function wireCopyButtons() {
    var data = document.getElementById("message-data");
    document.querySelectorAll(".copy").forEach(function (box) { box.hidden = !navigator.clipboard; });
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!data) return;
        var message = JSON.parse(data.textContent);
        var which = button.getAttribute("data-copy");
        var done = document.querySelector("[data-copied=" + which + "]");
        navigator.clipboard.writeText(message[which] || "").then(function () {
          if (done) done.textContent = which === "subject" ? "Email subject copied" : "Email message copied";
        }, function () {
          if (done) done.textContent = "Could not copy: select the text and copy it by hand";
        });
      });
    });
  }

  // Keep the order templates are ticked in: the message follows it.
  var order = document.getElementById("template-order");
  form.querySelectorAll("input[name=template]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (!order) return;
      var ids = order.value ? order.value.split(",") : [];
      ids = ids.filter(function (id) { return id !== box.value; });
      if (box.checked) ids.push(box.value);
      order.value = ids.join(",");
    });
  });

  var templatesShown = chosenTemplates();
  var timer = null;
  var sequence = 0;

  function refresh() {
    var body = new URLSearchParams(new FormData(form));
    body.set("action", "live");
    var mine = ++sequence;
    fetch("/", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== sequence) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        var preview = page.getElementById("preview");
        if (preview) document.getElementById("preview").replaceWith(preview);
        var slot = page.getElementById("error-summary-slot");
        if (slot) document.getElementById("error-summary-slot").replaceWith(slot);
        var chosen = chosenTemplates();
        if (chosen !== templatesShown) {
          var questions = page.getElementById("questions");
          if (questions) document.getElementById("questions").replaceWith(questions);
          templatesShown = chosen;
        }
        wireCopyButtons();
        var status = document.getElementById("preview-status");
        if (status) status.textContent = "Preview updated";
      })
      .catch(function () {});
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }
  form.addEventListener("change", soon);
  form.addEventListener("input", function (event) {
    if (event.target !== search) soon();
  });
  wireCopyButtons();

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
