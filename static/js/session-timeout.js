// Issue 15 #9: warn before an idle session ends (apps.accounts.middleware.SessionTimeoutMiddleware).
// Settings come from data attributes on <body>; no inline script (CSP).
(function () {
  "use strict";
  var config = document.getElementById("session-idle");
  if (!config) {
    return;
  }
  var body = config;
  var idle = parseInt(body.dataset.idleSeconds || "0", 10);
  var warn = parseInt(body.dataset.idleWarningSeconds || "0", 10);
  if (!idle) {
    return;
  }
  var banner = null;
  var warnTimer = null;
  var endTimer = null;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function hideBanner() {
    if (banner) {
      banner.remove();
      banner = null;
    }
  }

  function showBanner() {
    if (banner) {
      return;
    }
    banner = document.createElement("div");
    banner.className = "messages idle-warning";
    banner.setAttribute("role", "alert");
    var text = document.createElement("span");
    text.textContent = body.dataset.idleWarningText + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = body.dataset.idleStayText;
    button.addEventListener("click", function () {
      fetch(body.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (response.ok) {
          restart();
        } else {
          window.location.reload();
        }
      });
    });
    banner.appendChild(text);
    banner.appendChild(button);
    document.body.insertBefore(banner, document.body.firstChild);
  }

  function restart() {
    hideBanner();
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showBanner, Math.max(idle - warn, 0) * 1000);
    // At the end the server has logged the session out: reloading shows the login page.
    endTimer = setTimeout(function () { window.location.reload(); }, (idle + 2) * 1000);
  }

  // Any request made by htmx is activity on the server too.
  document.body.addEventListener("htmx:afterRequest", restart);
  restart();
})();
