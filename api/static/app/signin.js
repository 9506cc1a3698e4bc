/*
 * Accord's sign-in page: get an access token for Accord's API and trade it for the app's
 * session (POST /app/session), then go on to the page asked for.
 *
 * - Inside Teams, Outlook or the Microsoft 365 app (the tab's address carries host=teams and
 *   the page is framed): Teams single sign-on, microsoftTeams.authentication.getAuthToken().
 * - In a browser: MSAL.js with a redirect to Entra ID (or the sandbox playing it).
 *
 * Each library is loaded only where it is used, from Accord itself (api/static/app/vendor/).
 */
(function () {
  "use strict";

  var root = document.getElementById("signin");
  var statusLine = document.getElementById("signin-status");
  var problem = document.getElementById("signin-problem");
  var button = document.getElementById("signin-button");
  var elsewhere = document.getElementById("signin-elsewhere");
  var settings = root.dataset;
  var params = new URLSearchParams(window.location.search);
  var next = safePath(settings.next) || "/app";
  var TEAMS_TIMEOUT_MS = 10000;
  var TOKEN_TIMEOUT_MS = 60000;

  function safePath(value) {
    // Only a page of the app, never another site (the server checks this too).
    if (typeof value === "string" && value.indexOf("/app") === 0 &&
        value.indexOf("//") !== 0 && value.indexOf("\\") < 0) {
      return value;
    }
    return null;
  }

  function say(text) {
    statusLine.textContent = text;
  }

  function showProblem(text) {
    statusLine.textContent = "";
    problem.textContent = text;
    problem.hidden = false;
  }

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("A part of this page did not load.")); };
      document.head.appendChild(script);
    });
  }

  function within(promise, milliseconds, message) {
    return new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () { reject(new Error(message)); }, milliseconds);
      promise.then(
        function (value) { window.clearTimeout(timer); resolve(value); },
        function (error) { window.clearTimeout(timer); reject(error); }
      );
    });
  }

  async function startSession(token) {
    var response = await fetch("/app/session", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: token })
    });
    if (response.status !== 204) {
      var detail = "";
      try { detail = (await response.json()).detail || ""; } catch (ignored) { detail = ""; }
      throw new Error(detail || "Accord could not start your session.");
    }
  }

  function withTheme(path, theme) {
    if (!theme) { return path; }
    var url = new URL(path, window.location.origin);
    url.searchParams.set("theme", theme);
    return url.pathname + url.search + url.hash;
  }

  function hintedTeams() {
    if (params.get("host") === "teams") { return true; }
    try {
      return new URL(next, window.location.origin).searchParams.get("host") === "teams";
    } catch (ignored) {
      return false;
    }
  }

  function framed() {
    try { return window.self !== window.top; } catch (ignored) { return true; }
  }

  async function teamsSignIn() {
    say("Signing you in with your Teams account…");
    await load("/app/static/vendor/teams-js.min.js");
    var teams = window.microsoftTeams;
    var origins = JSON.parse(settings.teamsOrigins || "[]");
    await within(teams.app.initialize(origins), TEAMS_TIMEOUT_MS,
      "Teams did not answer in time.");
    var theme = null;
    try {
      theme = (await teams.app.getContext()).app.theme || null;
    } catch (ignored) {
      theme = null;
    }
    // Longer: Teams may first ask the person to consent.
    var token = await within(teams.authentication.getAuthToken(), TOKEN_TIMEOUT_MS,
      "Teams did not give Accord a sign-in in time.");
    await startSession(token);
    window.location.replace(withTheme(next, theme));
  }

  async function browserClient() {
    await load("/app/static/vendor/msal-browser.min.js");
    var auth = {
      clientId: settings.clientId,
      authority: settings.authority,
      knownAuthorities: [settings.knownAuthority],
      redirectUri: settings.redirectUri,
      navigateToLoginRequestUrl: false
    };
    if (settings.authorityMetadata) {
      // Locally only: the sandbox's endpoints, so MSAL.js asks nothing of the https alias.
      auth.authorityMetadata = settings.authorityMetadata;
    }
    var client = new window.msal.PublicClientApplication({
      auth: auth,
      cache: { cacheLocation: "sessionStorage" }
    });
    await client.initialize();
    return client;
  }

  async function browserSignIn(pressed) {
    if (!settings.clientId) {
      showProblem("Signing in from a browser is not set up for this Accord yet. " +
        "Open Accord in Teams, or ask whoever runs Accord for you.");
      return;
    }
    var client = await browserClient();
    var scopes = [settings.scope];
    var answer = await client.handleRedirectPromise();
    if (answer) {
      say("Signed in. Opening Accord…");
      await startSession(answer.accessToken);
      window.location.replace(safePath(answer.state) || next);
      return;
    }
    if (params.get("signedout") && !pressed) {
      // Signed out on purpose: wait to be asked before signing in again.
      say("You have signed out.");
      button.hidden = false;
      return;
    }
    var account = client.getAllAccounts()[0];
    if (account) {
      try {
        var silent = await client.acquireTokenSilent({ scopes: scopes, account: account });
        await startSession(silent.accessToken);
        window.location.replace(next);
        return;
      } catch (ignored) {
        // Nothing usable in the cache: sign in again below.
      }
    }
    say("Taking you to sign in…");
    await client.loginRedirect({ scopes: scopes, state: next });
  }

  async function run(pressed) {
    problem.hidden = true;
    button.hidden = true;
    if (hintedTeams() && framed()) {
      try {
        await teamsSignIn();
      } catch (error) {
        showProblem("Teams could not sign you in to Accord (" + error.message + "). " +
          "You can open Accord in your browser instead.");
        elsewhere.hidden = false;
      }
      return;
    }
    try {
      await browserSignIn(pressed);
    } catch (error) {
      showProblem("We could not sign you in (" + (error.message || error) + "). " +
        "Please try again.");
      button.hidden = false;
    }
  }

  button.addEventListener("click", function () { run(true); });
  run(false);
}());
