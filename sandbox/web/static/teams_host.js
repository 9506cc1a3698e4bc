// Teams' side of the Teams JavaScript SDK's postMessage protocol, for one framed tab.
//
// The SDK in the tab sends {id, uuidAsString, func, args} to its parent; the host answers
// {id, uuidAsString, args}. This host answers what a personal tab uses: initialize,
// getContext and authentication.getAuthToken (a token the sandbox signs for the person shown).
// Anything else gets an empty answer. Messages from anywhere but the framed app are ignored,
// and the token goes to the app's own origin only.
"use strict";

(function () {
  var frame = document.getElementById("teams-tab");
  var log = document.getElementById("teams-log");
  var appOrigin = frame.getAttribute("data-app-origin");
  var tokenUrl = frame.getAttribute("data-token-url");
  var context = JSON.parse(frame.getAttribute("data-context"));
  var SDK_VERSION = "2.58.0";
  var RUNTIME = {
    apiVersion: 4,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    isLegacyTeams: false,
    supports: {
      appEntity: {},
      pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
      teams: { fullTrust: {} }
    }
  };

  function note(text) {
    var item = document.createElement("li");
    item.textContent = text;
    log.appendChild(item);
  }

  function answer(message, args) {
    frame.contentWindow.postMessage(
      { id: message.id, uuidAsString: message.uuidAsString, args: args }, appOrigin);
  }

  function token() {
    return fetch(tokenUrl, { method: "POST", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok || !body.token) {
            throw new Error(body.error || "no token");
          }
          return body.token;
        });
      });
  }

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== appOrigin) {
      return;
    }
    var message = event.data;
    if (!message || typeof message.id !== "number" || typeof message.func !== "string") {
      return;
    }
    if (message.func === "initialize") {
      note("initialize: answered (content, web)");
      answer(message, ["content", "web", JSON.stringify(RUNTIME), SDK_VERSION]);
    } else if (message.func === "getContext") {
      note("getContext: answered (" + context.userPrincipalName + ", theme " + context.theme + ")");
      answer(message, [context]);
    } else if (message.func === "authentication.getAuthToken") {
      token().then(function (value) {
        note("authentication.getAuthToken: signed in as " + context.userPrincipalName);
        answer(message, [true, value]);
      }, function (error) {
        note("authentication.getAuthToken: refused (" + error.message + ")");
        answer(message, [false, "resourceDisabled"]);
      });
    } else {
      note(message.func + ": answered with nothing");
      answer(message, []);
    }
  });
  // Only now, with the listener in place, is the tab loaded (see the template).
  frame.src = frame.getAttribute("data-src");
}());
