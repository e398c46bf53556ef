// greenbot's web chat. Messages arrive as trees of safe elements (see markup.py) and are built
// with createElement/textContent only: nothing the server sends is parsed as HTML here.
"use strict";
(function () {
  var body = document.body;
  var strings = JSON.parse(body.getAttribute("data-strings"));
  var lang = body.getAttribute("data-lang") === "en" ? "en" : "zh";
  var log = document.getElementById("log");
  var statusLine = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var switchButton = document.getElementById("lang-switch");
  var csrf = null;
  var busy = false;
  var tapped = null; // the message whose button was tapped: an "edit" replaces it
  var TAGS = { b: 1, i: 1, u: 1, s: 1, code: 1, pre: 1, a: 1, blockquote: 1, span: 1 };

  function s(key) { return strings[lang][key]; }

  function applyLang(code) {
    lang = code === "en" ? "en" : "zh";
    var other = lang === "zh" ? "en" : "zh";
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = s("title");
    document.getElementById("heading").textContent = s("heading");
    document.getElementById("subtitle").textContent = s("subtitle");
    document.getElementById("input-label").textContent = s("input_label");
    document.getElementById("footer").textContent = s("footer");
    log.setAttribute("aria-label", s("log_label"));
    input.placeholder = s("placeholder");
    sendButton.textContent = s("send");
    switchButton.textContent = s("switch");
    switchButton.lang = other;
    switchButton.setAttribute("data-to", other);
    switchButton.setAttribute("aria-label", s("switch_label"));
  }

  function build(nodes, parent) {
    nodes.forEach(function (node) {
      if (typeof node === "string") {
        parent.appendChild(document.createTextNode(node));
        return;
      }
      var tag = TAGS[node.t] ? node.t : "span";
      var element = document.createElement(tag);
      if (tag === "a" && /^(https?|webcal):\/\//i.test(node.href || "")) {
        element.href = node.href;
        element.rel = "noopener noreferrer";
        if (!/^webcal:/i.test(node.href)) element.target = "_blank"; // the calendar app opens it
      }
      build(node.c || [], element);
      parent.appendChild(element);
    });
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
    statusLine.textContent = value ? s("busy") : "";
  }

  function item(who) {
    var li = document.createElement("li");
    li.className = "msg " + who;
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = s(who === "me" ? "you" : "bot") + ": ";
    li.appendChild(name);
    return li;
  }

  function scrollDown() {
    window.scrollTo(0, document.body.scrollHeight);
  }

  function fill(li, message) {
    var content = document.createElement("div");
    content.className = "text";
    build(message.nodes, content);
    if (message.nodes.length) li.appendChild(content);
    if (message.file) li.appendChild(attachment(message.file));
    if (message.buttons.length) li.appendChild(keyboard(message.buttons, li));
  }

  function attachment(file) {
    var figure = document.createElement("figure");
    figure.className = "file " + file.kind;
    if (file.kind === "photo") {
      var img = document.createElement("img");
      img.src = file.url;
      img.alt = file.alt;
      img.addEventListener("load", scrollDown);
      var zoom = document.createElement("a"); // full size on a phone's narrow screen
      zoom.className = "zoom";
      zoom.href = file.url;
      zoom.target = "_blank";
      zoom.rel = "noopener";
      zoom.appendChild(img);
      figure.appendChild(zoom);
    } else {
      var link = document.createElement("a");
      link.href = file.url;
      link.download = file.name;
      link.className = "download";
      link.textContent = s("download") + " " + file.name;
      figure.appendChild(link);
    }
    if (file.caption.length) {
      var caption = document.createElement("figcaption");
      build(file.caption, caption);
      figure.appendChild(caption);
    }
    return figure;
  }

  function keyboard(rows, li) {
    var group = document.createElement("div");
    group.className = "buttons";
    group.setAttribute("role", "group");
    rows.forEach(function (row) {
      var line = document.createElement("div");
      line.className = "row";
      row.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.label;
        button.addEventListener("click", function () {
          if (busy) return;
          tapped = li;
          send({ button: b.data }, null);
        });
        line.appendChild(button);
      });
      group.appendChild(line);
    });
    return group;
  }

  function say(text, who) {
    var li = item(who);
    var content = document.createElement("div");
    content.className = "text";
    content.textContent = text;
    li.appendChild(content);
    log.appendChild(li);
    scrollDown();
    return li;
  }

  function show(reply, viaButton) {
    if (reply.notice) say(reply.notice, "notice");
    var focusTarget = null;
    reply.messages.forEach(function (message) {
      var li;
      if (message.edit && tapped && tapped.parentNode) {
        li = tapped;
        while (li.childNodes.length > 1) li.removeChild(li.lastChild); // keep the name
      } else {
        li = item("bot");
        log.appendChild(li);
      }
      fill(li, message);
      var first = li.querySelector(".buttons button");
      if (first) focusTarget = first;
    });
    tapped = null;
    if (reply.lang && reply.lang !== lang) applyLang(reply.lang);
    if (reply.forgotten) csrf = null; // the session is gone: the next turn starts a new one
    scrollDown();
    if (viaButton && focusTarget) focusTarget.focus({ preventScroll: true });
  }

  function session() {
    return fetch("/api/session?lang=" + lang, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) { csrf = data.csrf; return data; });
  }

  function post(payload) {
    return fetch("/api/turn", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "" },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function send(payload, echo) {
    if (busy) return;
    if (echo) say(echo, "me");
    setBusy(true);
    var ready = csrf ? Promise.resolve() : session();
    ready
      .then(function () { return post(payload); })
      .then(function (result) {
        if (result.status === 403 && result.data.error === "session") {
          return session().then(function () { return post(payload); });
        }
        return result;
      })
      .then(function (result) {
        setBusy(false);
        if (result.status === 200) show(result.data, payload.button !== undefined);
        else say(result.data.message || s("offline"), "notice");
      })
      .catch(function () {
        setBusy(false);
        say(s("offline"), "notice");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    tapped = null;
    send({ text: text }, text);
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  switchButton.addEventListener("click", function () {
    var to = switchButton.getAttribute("data-to");
    applyLang(to);
    send({ button: "l:" + to }, null);
  });

  session()
    .then(function (data) {
      if (data.lang !== lang) applyLang(data.lang);
      // A new visitor gets the welcome; one coming back (a reload) the commands and the menu,
      // without leaving a flow in progress as /start would.
      send({ text: data.fresh ? "/start" : "/help" }, null);
    })
    .catch(function () { say(s("offline"), "notice"); });
})();
