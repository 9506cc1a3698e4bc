/*
 * A stand-in for Office.js with the part of it Accord's task pane uses, driven by
 * window.__officeStub (the test prepends it). Read items expose plain values; compose items
 * expose objects with getAsync, as Outlook does. Every call is recorded in __officeStub.calls.
 */
"use strict";

(function () {
  const config = window.__officeStub || {};
  const calls = (config.calls = []);
  const Succeeded = "succeeded";
  const Failed = "failed";

  function later(callback, value, error) {
    setTimeout(() => callback(error
      ? { status: Failed, error, value: undefined }
      : { status: Succeeded, value }), 0);
  }

  function details(list) {
    return (list || []).map((entry) => ({
      emailAddress: entry.address,
      displayName: entry.name || "",
      recipientType: "user",
    }));
  }

  function getter(name, value) {
    return {
      getAsync(...args) {
        calls.push(name + ".getAsync");
        later(args[args.length - 1], value);
      },
    };
  }

  function makeBody(source) {
    return {
      getAsync(coercionType, callback) {
        calls.push("body.getAsync:" + coercionType);
        if (coercionType === "html" && source.bodyHtml !== undefined) {
          later(callback, source.bodyHtml);
        } else {
          later(callback, source.bodyText || "");
        }
      },
    };
  }

  function makeCustomProperties(source) {
    const customProperties = new Map(Object.entries(source.customProperties || {}));
    return function loadCustomPropertiesAsync(callback) {
      calls.push("loadCustomPropertiesAsync");
      later(callback, {
        get: (name) => customProperties.get(name),
        set: (name, value) => {
          calls.push("customProperties.set:" + name);
          customProperties.set(name, value);
        },
        saveAsync: (done) => {
          calls.push("customProperties.saveAsync");
          later(done, undefined);
        },
      });
    };
  }

  function makeItem(mode, source) {
    if (mode === "read") {
      return {
        itemType: "message",
        itemId: source.itemId || "AAMkAD-stub",
        internetMessageId: source.internetMessageId || "",
        subject: source.subject || "",
        body: makeBody(source),
        to: details(source.to),
        cc: details(source.cc),
        from: details([source.from])[0],
        dateTimeCreated: new Date(source.dateTimeCreated),
        loadCustomPropertiesAsync: makeCustomProperties(source),
      };
    }
    if (mode === "compose") {
      return {
        itemType: "message",
        subject: getter("subject", source.subject || ""),
        body: makeBody(source),
        to: getter("to", details(source.to)),
        cc: getter("cc", details(source.cc)),
        loadCustomPropertiesAsync: makeCustomProperties(source),
      };
    }
    return null;
  }

  const handlers = [];
  // What Outlook does when a pinned pane's user selects another message.
  config.selectItem = (source) => {
    window.Office.context.mailbox.item = makeItem("read", source);
    handlers.forEach((handler) => handler({ type: "olkItemSelectedChanged" }));
  };

  window.Office = {
    HostType: { Outlook: "Outlook" },
    EventType: { ItemChanged: "olkItemSelectedChanged" },
    CoercionType: { Html: "html", Text: "text" },
    AsyncResultStatus: { Succeeded, Failed },
    context: {
      mailbox: {
        item: makeItem(config.mode, config.item || {}),
        addHandlerAsync(eventType, handler, callback) {
          calls.push("addHandlerAsync:" + eventType);
          handlers.push(handler);
          if (callback) later(callback, undefined);
        },
        userProfile: {
          emailAddress: (config.user || {}).emailAddress || "",
          displayName: (config.user || {}).displayName || "",
          timeZone: (config.user || {}).timeZone || "",
        },
      },
      requirements: {
        isSetSupported(name, version) {
          calls.push(`isSetSupported:${name}:${version}`);
          if (name === "IdentityAPI") return config.identityApi !== false;
          return true;
        },
      },
    },
    onReady(callback) {
      const info = { host: config.host || "Outlook", platform: "OfficeOnline" };
      return new Promise((resolve) => {
        setTimeout(() => {
          if (callback) callback(info);
          resolve(info);
        }, 0);
      });
    },
  };

  window.OfficeRuntime = {
    auth: {
      getAccessToken(options) {
        calls.push("getAccessToken:" + JSON.stringify(options || {}));
        if (config.tokenError) return Promise.reject(config.tokenError);
        // `tokens`: what successive calls return (an expired one first, say), then `token`.
        if (config.tokens && config.tokens.length) return Promise.resolve(config.tokens.shift());
        return Promise.resolve(config.token || "");
      },
    },
  };
})();
