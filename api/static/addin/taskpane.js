/*
 * Accord's Outlook task pane.
 *
 * Reads the open or composed email through Office.js, asks Accord to pre-fill the fields
 * (POST /addin/prefill), lets the manager correct them and creates one commitment per checked
 * person (POST /commitments) with an Idempotency-Key stable per item and owner, so a double
 * click or re-opening the item creates each commitment once. No framework, no build step.
 */
"use strict";

(function () {
  // taskpane-check.js looks for this: without it, this script could not run here.
  window.accordPaneLoaded = true;
  const PREFILL_URL = "/addin/prefill";
  const CREATE_URL = "/commitments";
  const KEY_PROPERTY = "accordItemKey";
  const FIELDS = ["owner", "title", "due", "success_criteria", "description"];
  // What the API's error codes mean for the person at the pane; other messages pass through.
  const FRIENDLY = {
    unknown_person: "Accord can't find this person in your organisation. Check the address.",
    due_in_past: "This time has passed. Choose one in the future.",
    missing: "This is needed.",
  };

  const body = document.body;
  const agentMailbox = body.dataset.agentMailbox || "Accord's mailbox";
  const maxBodyBytes = Number(body.dataset.maxBodyBytes || "49152");
  const statusLine = document.getElementById("status");
  const notice = document.getElementById("notice");
  const notesList = document.getElementById("notes");
  const form = document.getElementById("form");
  const draftsBox = document.getElementById("drafts");
  const createButton = document.getElementById("create");
  const addButton = document.getElementById("add-draft");
  const draftTemplate = document.getElementById("draft-template");
  const createdTemplate = document.getElementById("created-template");

  const state = { token: null, zone: "UTC", itemKey: "", manager: "", cards: [] };
  let cardCount = 0;

  // --- Small helpers ----------------------------------------------------------------------

  function say(text) {
    statusLine.textContent = text;
  }

  function showNotice(text) {
    notice.textContent = text;
    notice.hidden = false;
    notice.focus();
  }

  function sentence(text) {
    const trimmed = String(text || "").trim();
    if (!trimmed) return "";
    const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
    return /[.!?]$/.test(first) ? first : first + ".";
  }

  function officeCall(target, method, ...args) {
    return new Promise((resolve, reject) => {
      target[method](...args, (result) => {
        if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
        else reject(result.error || new Error(method + " failed"));
      });
    });
  }

  function address(details) {
    return { address: details.emailAddress || "", name: details.displayName || "" };
  }

  // Written for the web views Outlook uses, the oldest being Edge's first engine (EdgeHTML):
  // no TextEncoder, replaceChildren, flatMap or look-behind there.
  function utf8(text) {
    if (typeof TextEncoder !== "undefined") return new TextEncoder().encode(text);
    const binary = unescape(encodeURIComponent(text));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  }

  function utf8Length(text) {
    return utf8(text).length;
  }

  function replaceContent(element, nodes) {
    while (element.firstChild) element.removeChild(element.firstChild);
    nodes.forEach((node) => element.append(node));
  }

  async function sha256Hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", utf8(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function randomKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- Time zones: the due date is edited as wall time in the manager's zone --------------

  function zoneOffsetMinutes(zone, epochMs) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hour12: false,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).formatToParts(new Date(epochMs));
    const get = (type) => Number(parts.find((part) => part.type === type).value);
    // Some engines write midnight as 24 with hour12 off.
    const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24,
      get("minute"), get("second"));
    return Math.round((asUtc - epochMs) / 60000);
  }

  // "2026-12-04T17:00" in zone -> "2026-12-04T17:00:00-05:00" (ISO 8601 with its offset).
  function wallTimeToIso(value, zone) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
    if (!match) return null;
    const [, y, mo, d, h, mi] = match.map(Number);
    const wall = Date.UTC(y, mo - 1, d, h, mi);
    let offset = zoneOffsetMinutes(zone, wall);
    // Near a daylight-saving change the first guess can be an hour out; one more step fixes it.
    offset = zoneOffsetMinutes(zone, wall - offset * 60000);
    const sign = offset < 0 ? "-" : "+";
    const abs = Math.abs(offset);
    const pad = (n) => String(n).padStart(2, "0");
    return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:00` +
      `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  function formatDue(iso, zone) {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(iso));
  }

  // --- Reading the item --------------------------------------------------------------------

  function isCompose(item) {
    return typeof item.subject !== "string";
  }

  async function readBody(item) {
    const budget = maxBodyBytes;
    try {
      const html = await officeCall(item.body, "getAsync", Office.CoercionType.Html);
      if (utf8Length(JSON.stringify(html)) <= budget) return { body: html, body_type: "html" };
    } catch (error) {
      // Some clients refuse HTML for some items; the text is enough to read the ask.
    }
    let text = await officeCall(item.body, "getAsync", Office.CoercionType.Text);
    // The ask sits at the top; quoted history at the bottom is what gets cut.
    while (utf8Length(JSON.stringify(text)) > budget) text = text.slice(0, Math.floor(text.length * 0.9));
    return { body: text, body_type: "text" };
  }

  async function itemKeyOf(item, compose) {
    if (!compose) return item.internetMessageId || item.itemId || "";
    // A message being written has no stable id yet: keep one of Accord's own on the item.
    try {
      const props = await officeCall(item, "loadCustomPropertiesAsync");
      let key = props.get(KEY_PROPERTY);
      if (!key) {
        key = randomKey();
        props.set(KEY_PROPERTY, key);
        await officeCall(props, "saveAsync");
      }
      return key;
    } catch (error) {
      return randomKey();
    }
  }

  async function describeItem(item) {
    const compose = isCompose(item);
    const profile = Office.context.mailbox.userProfile;
    const content = await readBody(item);
    const described = {
      mode: compose ? "compose" : "read",
      subject: compose ? await officeCall(item.subject, "getAsync") : item.subject || "",
      body: content.body,
      body_type: content.body_type,
      time_zone: profile.timeZone || "",
    };
    if (compose) {
      described.to = (await officeCall(item.to, "getAsync")).map(address);
      described.cc = (await officeCall(item.cc, "getAsync")).map(address);
    } else {
      described.to = (item.to || []).map(address);
      described.cc = (item.cc || []).map(address);
      if (item.from) described.sender = address(item.from);
      const sent = item.dateTimeCreated;
      if (sent instanceof Date) described.sent_at = sent.toISOString();
    }
    return { described, key: await itemKeyOf(item, compose) };
  }

  // --- Signing in ----------------------------------------------------------------------------

  async function signIn() {
    const supported = typeof OfficeRuntime !== "undefined" && OfficeRuntime.auth &&
      Office.context.requirements.isSetSupported("IdentityAPI", "1.3");
    if (!supported) return { token: null, code: "unsupported" };
    try {
      const token = await OfficeRuntime.auth.getAccessToken({
        allowSignInPrompt: true,
        allowConsentPrompt: true,
        forMSGraphAccess: false,
      });
      return { token, code: null };
    } catch (error) {
      return { token: null, code: (error && error.code) || "unknown" };
    }
  }

  function signInFallback(code) {
    const why = code === 13001 || code === 13002
      ? "You're not signed in to Outlook, or the sign-in was cancelled."
      : "This version of Outlook can't sign you in to Accord from here" +
        (code && code !== "unsupported" ? ` (code ${code}).` : ".");
    return `${why} Nothing was created. You can still make this a commitment: copy ` +
      `${agentMailbox} on the email, and Accord will ask you to confirm what it understood.`;
  }

  // --- Calling Accord ------------------------------------------------------------------------

  // Office caches tokens; one that expired while the pane stayed open is asked for again once.
  async function callAccord(url, payload, extraHeaders) {
    const result = await send(url, payload, extraHeaders);
    if (result.status !== 401) return result;
    const again = await signIn();
    if (!again.token) return result;
    state.token = again.token;
    return send(url, payload, extraHeaders);
  }

  async function send(url, payload, extraHeaders) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    Object.assign(headers, extraHeaders || {});
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
        credentials: "omit",
      });
    } catch (error) {
      return { ok: false, status: 0, problem: null };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    return { ok: response.ok, status: response.status, data, problem: response.ok ? null : data };
  }

  function problemText(result) {
    if (result.status === 0) {
      return "Accord can't be reached right now. Nothing was created; try again in a moment.";
    }
    if (result.status === 401) {
      return "Accord couldn't confirm who you are. Close and reopen the pane to sign in again.";
    }
    const problem = result.problem || {};
    if (problem.errors && problem.errors.length) {
      return problem.errors.map((error) => sentence(`${error.field}: ${error.message}`)).join(" ");
    }
    return sentence(problem.detail || problem.title || `Accord answered ${result.status}.`);
  }

  // --- Cards: one commitment per owner -------------------------------------------------------

  function fieldOf(card, name) {
    return card.root.querySelector(`[name="${name}"]`);
  }

  function setMessage(element, text) {
    element.textContent = text || "";
    element.hidden = !text;
  }

  function describedBy(input) {
    const ids = ["hint", "zone", "error"]
      .map((kind) => input.dataset[kind + "Id"])
      .filter((id) => id && !document.getElementById(id).hidden);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function setError(card, name, text) {
    const input = fieldOf(card, name);
    setMessage(card.root.querySelector(`[data-error="${name}"]`), text);
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    describedBy(input);
  }

  function clearErrors(card) {
    FIELDS.forEach((name) => setError(card, name, ""));
    setMessage(card.root.querySelector(".draft-error"), "");
  }

  function ownerLabel(card) {
    const typed = fieldOf(card, "owner").value.trim().toLowerCase();
    if (card.ownerName && typed === card.ownerAddress) return card.ownerName;
    return typed || "someone";
  }

  function refreshOwner(card) {
    // Long addresses may wrap after "@" and ".", never in the middle of a word.
    const nodes = [];
    ownerLabel(card).split(/([@.])/).forEach((part) => {
      nodes.push(part);
      if (part === "@" || part === ".") nodes.push(document.createElement("wbr"));
    });
    replaceContent(card.root.querySelector(".owner-name"), nodes);
  }

  function addCard(draft, hints) {
    const index = cardCount++;
    const fragment = draftTemplate.content.cloneNode(true);
    const root = fragment.querySelector(".draft");
    draftsBox.appendChild(fragment);
    const card = {
      root,
      ownerAddress: (draft.owner.address || "").toLowerCase(),
      ownerName: draft.owner.name || "",
      created: false,
    };
    FIELDS.forEach((name) => {
      const input = root.querySelector(`[name="${name}"]`);
      input.id = `d${index}-${name}`;
      root.querySelector(`label[data-field="${name}"]`).htmlFor = input.id;
      const error = root.querySelector(`[data-error="${name}"]`);
      error.id = `d${index}-${name}-error`;
      input.dataset.errorId = error.id;
      const hint = root.querySelector(`[data-hint="${name}"]`);
      if (hint) {
        hint.id = `d${index}-${name}-hint`;
        input.dataset.hintId = hint.id;
        setMessage(hint, (hints[name] || []).join(" "));
      }
    });
    const zone = root.querySelector("[data-zone]");
    zone.id = `d${index}-zone`;
    fieldOf(card, "due").dataset.zoneId = zone.id;
    zone.textContent = `Your time zone: ${state.zone}` +
      (draft.due_text ? ` · read from “${draft.due_text}”` : "");

    fieldOf(card, "owner").value = draft.owner.address || "";
    fieldOf(card, "title").value = draft.title || "";
    fieldOf(card, "due").value = draft.due_local || "";
    fieldOf(card, "success_criteria").value = draft.success_criteria || "";
    fieldOf(card, "description").value = draft.description || "";
    FIELDS.forEach((name) => describedBy(fieldOf(card, name)));
    refreshOwner(card);

    const include = root.querySelector('[name="include"]');
    include.addEventListener("change", () => {
      root.disabled = !include.checked;
    });
    fieldOf(card, "owner").addEventListener("input", () => refreshOwner(card));
    state.cards.push(card);
    return card;
  }

  function hintsByField(missing) {
    const hints = {};
    (missing || []).forEach((item) => {
      (hints[item.field] = hints[item.field] || []).push(item.message);
    });
    return hints;
  }

  // --- Creating ----------------------------------------------------------------------------

  function checkLocally(card) {
    const problems = [];
    const owner = fieldOf(card, "owner").value.trim();
    if (!owner) problems.push(["owner", "Enter the email address of the person this is for."]);
    else if (!/^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(owner)) {
      problems.push(["owner", "This doesn't look like an email address."]);
    } else if (owner.toLowerCase() === state.manager) {
      problems.push(["owner", "Choose someone other than yourself."]);
    }
    if (!fieldOf(card, "title").value.trim()) {
      problems.push(["title", "Write a short title for what you expect."]);
    }
    if (!fieldOf(card, "due").value) problems.push(["due", "Choose a due date and time."]);
    if (!fieldOf(card, "success_criteria").value.trim()) {
      problems.push(["success_criteria", "Describe what done looks like."]);
    }
    problems.forEach(([name, text]) => setError(card, name, text));
    return problems.length === 0;
  }

  function showProblem(card, result) {
    const errors = (result.problem && result.problem.errors) || [];
    let placed = false;
    errors.forEach((error) => {
      const name = String(error.field || "").split(".")[0];
      if (FIELDS.includes(name)) {
        setError(card, name, FRIENDLY[error.type] || sentence(error.message));
        placed = true;
      } else {
        setMessage(card.root.querySelector(".draft-error"), sentence(error.message));
      }
    });
    if (!placed || !errors.length) {
      setMessage(card.root.querySelector(".draft-error"), problemText(result));
    }
  }

  function showCreated(card, commitment) {
    const fragment = createdTemplate.content.cloneNode(true);
    const section = fragment.querySelector(".created");
    section.querySelector(".created-title").textContent = `Created: ${commitment.title}`;
    const owner = commitment.owner.display_name || commitment.owner.email;
    section.querySelector(".created-meta").textContent =
      `For ${owner}, due ${formatDue(commitment.due, state.zone)}`;
    section.querySelector(".created-next").textContent =
      `${owner} will be asked to accept it, within their working hours.`;
    section.dataset.commitmentId = commitment.commitment_id;
    card.root.replaceWith(section);
    card.root = section;
    card.created = true;
  }

  async function createOne(card) {
    clearErrors(card);
    if (!checkLocally(card)) return false;
    const owner = fieldOf(card, "owner").value.trim().toLowerCase();
    const payload = {
      title: fieldOf(card, "title").value.trim(),
      success_criteria: fieldOf(card, "success_criteria").value.trim(),
      description: fieldOf(card, "description").value.trim(),
      owner,
      due: wallTimeToIso(fieldOf(card, "due").value, state.zone),
    };
    const key = "addin-" + (await sha256Hex(`${state.itemKey}\n${owner}`)).slice(0, 40);
    const result = await callAccord(CREATE_URL, payload, { "Idempotency-Key": key });
    if (result.ok) {
      showCreated(card, result.data);
      return true;
    }
    showProblem(card, result);
    return false;
  }

  let creating = false;

  async function createAll(event) {
    event.preventDefault();
    if (creating) return; // a second click while the first runs does nothing
    const chosen = state.cards.filter(
      (card) => !card.created && card.root.querySelector('[name="include"]').checked,
    );
    if (!chosen.length) {
      showNotice("Tick at least one person to create a commitment for.");
      return;
    }
    creating = true;
    const number = reading;
    createButton.disabled = true;
    notice.hidden = true;
    say(chosen.length > 1 ? `Creating ${chosen.length} commitments…` : "Creating…");
    const outcomes = [];
    for (const card of chosen) outcomes.push(await createOne(card));
    creating = false;
    createButton.disabled = false;
    if (number !== reading) return; // another email was opened meanwhile
    const created = outcomes.filter(Boolean).length;
    const left = state.cards.filter((card) => !card.created);
    if (!left.length) {
      form.querySelectorAll("button").forEach((button) => { button.hidden = true; });
      say(state.cards.length > 1
        ? "All done: the commitments are created."
        : "Done: the commitment is created.");
      const first = draftsBox.querySelector(".created");
      if (first) first.focus();
      return;
    }
    say(created ? `${created} created; check the rest below.` : "Nothing was created yet.");
    const invalid = draftsBox.querySelector('[aria-invalid="true"], .draft-error:not([hidden])');
    if (invalid) {
      (invalid.matches("input, textarea") ? invalid : invalid.closest(".draft")).focus();
    }
  }

  // --- Start ----------------------------------------------------------------------------------

  function showNotes(notes) {
    replaceContent(notesList, notes.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
    notesList.hidden = !notes.length;
  }

  // A pinned pane stays open while the manager moves to another email: each reading has its
  // number, and a reading that is no longer the latest stops at its next step.
  let reading = 0;

  function clearPane() {
    state.cards = [];
    state.token = null;
    replaceContent(draftsBox, []);
    notice.hidden = true;
    notesList.hidden = true;
    form.hidden = true;
    form.querySelectorAll("button").forEach((button) => { button.hidden = false; });
    say("Reading the email…");
  }

  async function start(number) {
    const mailbox = Office.context.mailbox;
    const item = mailbox && mailbox.item;
    if (!item) {
      say("");
      showNotice("Open or start an email, then choose Create commitment again.");
      return;
    }
    state.manager = (mailbox.userProfile.emailAddress || "").toLowerCase();
    const signedIn = await signIn();
    if (number !== reading) return;
    if (!signedIn.token) {
      say("");
      showNotice(signInFallback(signedIn.code));
      return;
    }
    state.token = signedIn.token;
    let described;
    try {
      const read = await describeItem(item);
      if (number !== reading) return;
      described = read.described;
      state.itemKey = read.key;
    } catch (error) {
      say("");
      showNotice("Outlook didn't let Accord read this email. Nothing was created.");
      return;
    }
    const result = await callAccord(PREFILL_URL, described);
    if (number !== reading) return;
    if (!result.ok) {
      say("");
      showNotice(problemText(result));
      return;
    }
    const prefill = result.data;
    state.zone = prefill.time_zone || "UTC";
    const hints = hintsByField(prefill.missing);
    prefill.drafts.forEach((draft) => addCard(draft, hints));
    showNotes(prefill.notes || []);
    form.hidden = false;
    const count = prefill.drafts.length;
    say(prefill.missing.length
      ? "Check the highlighted fields, then create."
      : count > 1
        ? `Accord read ${count} commitments, one for each person. Check them, then create.`
        : "Accord read this commitment. Check it, then create.");
    const firstHint = draftsBox.querySelector(".hint:not([hidden])");
    const focusTarget = firstHint
      ? firstHint.closest(".field").querySelector("input, textarea")
      : fieldOf(state.cards[0], "title");
    focusTarget.focus();
  }

  addButton.addEventListener("click", () => {
    const card = addCard({ owner: { address: "", name: "" }, title: "", due_local: "",
      success_criteria: "", description: "", due_text: "" }, {});
    const first = state.cards[0];
    if (first && first !== card) {
      ["title", "due", "success_criteria", "description"].forEach((name) => {
        fieldOf(card, name).value = fieldOf(first, name).value;
      });
    }
    fieldOf(card, "owner").focus();
  });
  form.addEventListener("submit", createAll);

  if (typeof Office === "undefined") {
    say("");
    showNotice("Open this page from Outlook: choose Create commitment on an email.");
    return;
  }
  Office.onReady((info) => {
    if (info.host !== Office.HostType.Outlook) {
      say("");
      showNotice("Open this page from Outlook: choose Create commitment on an email.");
      return;
    }
    const mailbox = Office.context.mailbox;
    if (mailbox && mailbox.addHandlerAsync && Office.EventType) {
      mailbox.addHandlerAsync(Office.EventType.ItemChanged, () => {
        clearPane();
        readItem();
      });
    }
    readItem();
  });

  function readItem() {
    reading += 1;
    start(reading).catch((error) => {
      // Kept for whoever opens the pane's developer tools; it names no email content.
      console.error("Accord pane:", error && error.name, error && error.message);
      say("");
      showNotice("Something went wrong while reading this email. Nothing was created.");
    });
  }
})();
