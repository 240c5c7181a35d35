// Live updates for the dashboard: listen to /dashboard/live (Server-Sent Events) and, when an event arrives,
// fetch this same page and put its fresh figures in place, keeping keyboard focus where it was. No page reload.
"use strict";
(function () {
  var status = document.getElementById("live-status");
  var list = document.getElementById("latest-events");
  if (!status || !list || !window.EventSource) { return; }
  var waiting = null;

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("content");
        var here = document.getElementById("content");
        if (!fresh || !here) { return; }
        var focused = document.activeElement && document.activeElement.id;
        here.replaceWith(document.importNode(fresh, true));
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
      })
      .catch(function () { status.textContent = "Could not refresh the figures; they update with the next event."; });
  }

  function shown(event) {
    var item = document.createElement("li");
    item.setAttribute("data-event-id", event.id);
    var when = document.createElement("time");
    when.dateTime = event.time;
    when.textContent = event.time.slice(11, 19);
    item.appendChild(when);
    item.appendChild(document.createTextNode(" " + event.type + (event.subject ? " about " + event.subject : "")));
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 10) { list.removeChild(list.lastChild); }
    status.textContent = "Updated after " + event.type + (event.subject ? " about " + event.subject : "") + ".";
  }

  var source = new EventSource("/dashboard/live");
  source.onopen = function () { document.body.setAttribute("data-live", "open"); };
  source.onmessage = function (message) {
    shown(JSON.parse(message.data));
    clearTimeout(waiting);
    waiting = setTimeout(refresh, 200);
  };
  source.onerror = function () { document.body.setAttribute("data-live", "reconnecting"); };
})();
