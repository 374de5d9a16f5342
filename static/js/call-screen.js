// Keyboard shortcuts, timers and the result form of the agent's workspace (R-CALL-1,
// R-APPT-1, R-DIAL-1, issue 13 #1 and #4). Outside text fields: N next prospect (on the call screen: save and
// next), 1-9 choose a result, T write the note, D dial the first number on the screen,
// V confirm the first person to verify (the page asks once to be sure), G consent given
// (the first person's button; the page asks to confirm), C the client's contact persons,
// S skip (with the reason chosen), P pause (with the reason chosen, if any; on the
// workspace P also resumes), and the callback presets' letters (shown on
// their buttons). Anywhere: Ctrl+Enter saves, Ctrl+Shift+Enter saves and takes the next.
// No key fires while the agent types in a field.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) &&
      el.type !== "radio" && el.type !== "checkbox";
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s);
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

  // --- The result form: the fields a result asks for --------------------------------
  function chosenResult() {
    return document.querySelector("#call-form input[name=result]:checked");
  }
  function showAsked() {
    var radio = chosenResult();
    var asks = radio ? radio.getAttribute("data-asks") : "";
    var outcome = radio ? radio.getAttribute("data-outcome") : "";
    document.querySelectorAll("#call-form .asks").forEach(function (block) {
      var wanted = block.getAttribute("data-for");
      var show = wanted === asks || (wanted === "callback" && (outcome === "callback" || !radio));
      block.hidden = !show;
    });
    var when = document.getElementById("id_appointment_at");
    if (when) when.required = asks === "appointment";
    var address = document.getElementById("id_information_email");
    if (address) {
      address.required = asks === "email";
      // Filled with the chosen person's known address while the agent has typed none.
      var person = document.getElementById("id_information_person");
      var option = person && person.selectedOptions[0];
      if (asks === "email" && !address.value && option) address.value = option.getAttribute("data-email") || "";
    }
  }
  // "Send information": choosing another person fills in their known address, unless the
  // agent already typed one of their own.
  document.addEventListener("change", function (event) {
    if (!event.target || event.target.id !== "id_information_person") return;
    var address = document.getElementById("id_information_email");
    var option = event.target.selectedOptions[0];
    if (address && option && !address.classList.contains("typed")) address.value = option.getAttribute("data-email") || "";
  });
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "id_information_email") event.target.classList.add("typed");
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "result") showAsked();
  });
  function preset(button) {
    var field = document.getElementById("id_callback_at");
    if (!field || !button) return false;
    field.value = button.getAttribute("data-value");
    var callbackResult = document.querySelector("#call-form input[name=result][data-outcome=callback]");
    if (callbackResult && !chosenResult()) { callbackResult.checked = true; showAsked(); }
    field.classList.add("just-set");
    return true;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.preset");
    if (button) { event.preventDefault(); preset(button); }
  });

  // --- Timers: the call since the prospect was handed out, the lease counting down -----
  var bar = document.getElementById("call-bar");
  if (bar && bar.getAttribute("data-lease-expires")) {
    var serverNow = Date.parse(bar.getAttribute("data-server-now"));
    var skew = serverNow - Date.now(); // the server's clock decides
    var expires = Date.parse(bar.getAttribute("data-lease-expires"));
    var opened = expires - parseInt(bar.getAttribute("data-lease-minutes"), 10) * 60000;
    var timer = document.getElementById("call-timer");
    var countdown = document.getElementById("lease-countdown");
    var warning = document.getElementById("lease-warning");
    var lapsed = document.getElementById("lease-lapsed");
    var WARN_MS = 5 * 60000;
    var tick = function () {
      var now = Date.now() + skew;
      timer.textContent = clock((now - opened) / 1000);
      var left = expires - now;
      countdown.textContent = clock(left / 1000);
      warning.hidden = !(left > 0 && left <= WARN_MS);
      lapsed.hidden = left > 0;
      bar.classList.toggle("warn", left <= WARN_MS);
    };
    tick();
    window.setInterval(tick, 1000);
  }

  document.addEventListener("DOMContentLoaded", showAsked);
  if (document.readyState !== "loading") showAsked();

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
      done = click("#next-button") || click("#save-next");
    } else if (/^[1-9]$/.test(key) && form) {
      var radios = form.querySelectorAll("input[name=result]");
      var radio = radios[parseInt(key, 10) - 1];
      if (radio) {
        radio.checked = true;
        showAsked();
        // A result that asks for more goes straight to its first field (keyboard first).
        var asks = radio.getAttribute("data-asks");
        var asked = (asks === "appointment" && document.getElementById("id_appointment_at")) ||
          (asks === "email" && document.getElementById("id_information_email"));
        (asked || radio).focus();
        done = true;
      }
    } else if (key === "t" && form) {
      form.querySelector("textarea").focus();
      done = true;
    } else if (key === "d") {
      var link = document.querySelector("a.dial");
      if (link) { document.body.setAttribute("data-dialled", link.getAttribute("href")); link.click(); done = true; }
    } else if (key === "v") {
      done = click(".person.flagged .verify-button");
    } else if (key === "g") {
      done = click(".person .consent-button");
    } else if (key === "c") {
      done = click("#contacts-button");
    } else if (key === "s" && document.getElementById("skip-form")) {
      var reason = document.getElementById("id_skip_reason");
      if (reason.value) { click("#skip-button"); } else { reason.focus(); }
      done = true;
    } else if (key === "p") {
      done = click("#pause-button") || click("#resume-button");
    } else if (form) {
      done = preset(document.querySelector("button.preset[data-key='" + key + "']"));
    }
    if (done) event.preventDefault();
  });
})();
