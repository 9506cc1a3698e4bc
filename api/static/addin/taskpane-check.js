/*
 * Runs after taskpane.js. Where that script could not even start (an old web view, such as
 * Internet Explorer's in Office 2016 and 2019), say so and point to the way in that needs no
 * add-in, rather than leaving "Reading the email…" on screen. Deliberately plain ES5.
 */
(function () {
  "use strict";
  if (window.accordPaneLoaded) return;
  var notice = document.getElementById("notice");
  var status = document.getElementById("status");
  var agent = document.body.getAttribute("data-agent-mailbox") || "Accord's mailbox";
  if (status) status.textContent = "";
  if (!notice) return;
  notice.textContent =
    "This version of Outlook shows add-ins in a browser too old for Accord's pane. Nothing " +
    "was created. You can still make this a commitment: copy " + agent + " on the email, " +
    "and Accord will ask you to confirm what it understood.";
  notice.removeAttribute("hidden");
})();
