// Keyboard shortcuts of the agent's workspace (R-CALL-1). Outside text fields:
// N next prospect, 1-9 choose a result, T write the note, V confirm the first person to
// verify, G consent given (the first person's "consent given" button; the page asks to
// confirm), C the client's contact persons. Anywhere: Ctrl+Enter saves, Ctrl+Shift+Enter
// saves and takes the next prospect.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) && el.type !== "radio";
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  // The screen's forms answer a refused change with 400 and the block showing why (a
  // missing email for "consent given", a bad phone number): htmx 2 does not swap 4xx
  // answers by default, which left the agent without the explanation.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("call-form");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
      event.preventDefault();
      (event.shiftKey ? document.getElementById("save-next") : form.querySelector("button[name=save]")).click();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key.toLowerCase();
    var done = false;
    if (key === "n") {
      done = click("#next-button");
    } else if (/^[1-9]$/.test(key) && form) {
      var radios = form.querySelectorAll("input[name=result]");
      var radio = radios[parseInt(key, 10) - 1];
      if (radio) { radio.checked = true; radio.focus(); done = true; }
    } else if (key === "t" && form) {
      form.querySelector("textarea").focus();
      done = true;
    } else if (key === "v") {
      done = click(".person.flagged .verify-button");
    } else if (key === "g") {
      done = click(".person .consent-button");
    } else if (key === "c") {
      done = click("#contacts-button");
    }
    if (done) event.preventDefault();
  });
})();
