/* Progressive enhancement for the pages. Every page works without this file
   (plain links and form posts); with it:
   - a form is sent once however often it is tapped (data-once); without a
     network it is not sent at all: a message says so and the form stays as typed,
   - a draft is kept in the browser while typing and offered back (data-draft),
   - money is grouped as typed: 1.500.000 (data-money), by the server's one rule
     (formatting.read_money): what it cannot read is left as typed and refused,
     never turned into another number,
   - fields are checked as they are left and when the form is sent, with the
     catalogue's messages beside them (data-check; the server checks everything again),
   - co-authors are added and removed in place, shares summed (data-authors),
   - the unit is found by typing its name (data-unit-search),
   - the initiatives like what is typed are shown a second after typing stops
     (data-similar; without this script its "Kiểm tra" button shows them),
   - "select all" in the review queue (data-select-all),
   - an award list being compiled shows its progress as it goes, and the list
     once it is there (data-progress: polls the page's .../progress JSON; without
     this script the page refreshes itself and has a "Tải lại" link).
   Plain ES2017, no build step, no external code. */
(function () {
  "use strict";

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
  }

  /* ---- send once: the server also de-duplicates (Idempotency-Key / client token).
     Listened for on the document, so it runs after the form's own checks: a
     submit they stopped never reaches it and never counts as sent.
     Before the form leaves, one small request (the app's /health) asks whether
     the network is there: without it the browser would replace the page by its
     own "no internet" page. Offline, the form stays as typed (its draft saved),
     its buttons work, and a message says to send again once back online. */
  var body = document.body.dataset;
  var PING_TIMEOUT_MS = 8000;
  function lock(form, locked) {
    if (locked) form.dataset.sent = "1"; else delete form.dataset.sent;
    all("button[type=submit]", form).forEach(function (b) { b.disabled = locked; });
  }
  function offlineNotice(form, submitter, shown) {
    var notice = form.querySelector("[data-offline-notice]");
    if (!shown) { if (notice) notice.remove(); return; }
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "notice error";
      notice.setAttribute("role", "alert");
      notice.dataset.offlineNotice = "";
      notice.dataset.testid = "offline";
      notice.textContent = body.msgOffline || "";
      var place = submitter && submitter.closest(".actions") || null;
      if (place && form.contains(place)) place.parentNode.insertBefore(notice, place); else form.appendChild(notice);
    }
    notice.scrollIntoView({block: "center"});
  }
  function online() {
    if (navigator.onLine === false) return Promise.resolve(false);
    if (!body.ping || !window.fetch) return Promise.resolve(true);
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && setTimeout(function () { abort.abort(); }, PING_TIMEOUT_MS);
    return fetch(body.ping, {cache: "no-store", credentials: "same-origin", signal: abort && abort.signal})
      .then(function () { return true; }, function () { return false; })
      .then(function (yes) { clearTimeout(timer); return yes; });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]") || event.defaultPrevented) return;
    event.preventDefault();
    if (form.dataset.sent) return;
    var submitter = event.submitter;
    if (form.dataset.draft) saveDraft(form);
    lock(form, true);
    online().then(function (yes) {
      offlineNotice(form, submitter, !yes);
      if (!yes) { lock(form, false); return; }
      // form.submit() sends no button: the tapped one's name and value go as a hidden field.
      var pressed = form.querySelector("input[data-pressed]");
      if (pressed) pressed.remove();
      if (submitter && submitter.name) {
        pressed = document.createElement("input");
        pressed.type = "hidden"; pressed.name = submitter.name; pressed.value = submitter.value;
        pressed.dataset.pressed = "";
        form.appendChild(pressed);
      }
      // form.submit() also ignores the tapped button's own target (formaction, formmethod): carry them over.
      ["action", "method"].forEach(function (name) {
        if (!submitter || !submitter.hasAttribute("form" + name)) return;
        if (!("own" + name in form.dataset)) form.dataset["own" + name] = form.getAttribute(name) || "";
        form.setAttribute(name, name === "action" ? submitter.formAction : submitter.formMethod);
      });
      HTMLFormElement.prototype.submit.call(form);
    });
  });
  // Back to a page the browser kept: its forms were left mid-send.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) all("form[data-once]").forEach(function (form) {
      lock(form, false);
      ["action", "method"].forEach(function (name) {  // as the page wrote it, not as the last button left it
        if ("own" + name in form.dataset) form.setAttribute(name, form.dataset["own" + name]);
      });
    });
  });

  /* ---- money grouped as typed, by the server's rule: digits, or digits in
     groups of three split by the page's separator (1.500.000; en 1,500,000) */
  function groupDigits(digits, separator) {
    return digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  }
  function moneyDigits(value, separator) {
    var typed = value.trim(), split = separator === "," ? "," : "\\.";
    if (/^[0-9]+$/.test(typed) || new RegExp("^[0-9]{1,3}(?:" + split + "[0-9]{3})+$").test(typed))
      return typed.split(separator).join("");
    return null;  // a sign, decimals, letters: left as typed, for the check to refuse
  }
  function regroupable(value, separator, event) {
    // Digits typed into (or deleted from) a sum this script grouped: "2.500" and a
    // 0 typed is "2.5000", which is 25.000. A separator typed by hand, a sign,
    // decimals or a paste the rule cannot read are left as typed.
    var groups = value.split(separator), type = event.inputType || "";
    if (!groups.every(function (g) { return /^[0-9]+$/.test(g); })) return false;
    if (type.indexOf("delete") === 0) return true;
    return type === "insertText" && event.data !== separator &&
      groups.slice(1).every(function (g) { return g.length >= 3; });
  }
  all("input[data-money]").forEach(function (input) {
    var separator = input.dataset.money || ".";
    input.addEventListener("input", function (event) {
      var digits = moneyDigits(input.value, separator);
      if (digits === null && regroupable(input.value.trim(), separator, event))
        digits = input.value.trim().split(separator).join("");
      if (digits === null) return;
      var formatted = groupDigits(digits, separator);
      if (formatted !== input.value) input.value = formatted;
    });
  });

  /* ---- checks as fields are left, with the catalogue's messages from data attributes */
  function labelOf(input) { return input.dataset.label || input.name; }
  function errorBox(input) {
    var id = input.getAttribute("aria-describedby") || "";
    var found = null;
    id.split(/\s+/).forEach(function (one) {
      var el = one && document.getElementById(one);
      if (el && el.classList.contains("field-error")) found = el;
    });
    return found;
  }
  function check(input, form) {
    var ticked = input.type === "checkbox" || input.type === "radio";
    var value = ticked ? (input.checked ? input.value : "") : input.value.trim(), messages = form.dataset, problem = "";
    var length = Array.from(value).length;
    if (input.required && !value) problem = fill(messages.msgRequired, {field: labelOf(input)});
    else if (value && input.minLength > 0 && length < input.minLength)
      problem = fill(messages.msgShort, {field: labelOf(input), limit: input.minLength});
    else if (value && input.maxLength > 0 && length > input.maxLength)
      problem = fill(messages.msgLong, {field: labelOf(input), limit: input.maxLength});
    else if (value && input.type === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value))
      problem = fill(messages.msgEmail, {field: labelOf(input)});
    else if (value && input.dataset.pattern && !new RegExp(input.dataset.pattern).test(value))
      problem = fill(messages.msgFormat, {field: labelOf(input)});
    else if (value && input.type === "date" && input.max && value > input.max && messages.msgFuture)
      problem = fill(messages.msgFuture, {field: labelOf(input)});
    else if (value && input.dataset.money && moneyDigits(value, input.dataset.money) === null)
      problem = fill(messages.msgMoney || messages.msgFormat, {field: labelOf(input)});
    var box = errorBox(input);
    if (box && (problem || box.dataset.client)) { box.textContent = problem; box.dataset.client = problem ? "1" : ""; }
    if (problem) input.setAttribute("aria-invalid", "true");
    else if (box && !box.textContent) input.removeAttribute("aria-invalid");
    return !problem;
  }
  all("form[data-check]").forEach(function (form) {
    // These checks speak the page's language and say it beside the field; the
    // browser's own bubbles (in its language) are for pages without this script.
    form.noValidate = true;
    form.addEventListener("focusout", function (event) {
      // Leaving a field for a submit button: the submit checks every field. Checking
      // now would add or remove a message above the button while it is being tapped,
      // move it, and the tap would land beside it.
      var next = event.relatedTarget;
      if (next && next.matches && next.matches("button[type=submit], input[type=submit]")) return;
      if (event.target.matches("input, textarea, select")) check(event.target, form);
    });
    form.addEventListener("submit", function (event) {
      var action = event.submitter && event.submitter.name === "action" ? event.submitter.value : "";
      if (action && action !== "send") return;  // "find unit", "add author": no checks yet
      var first = null;
      all("input, textarea, select", form).forEach(function (input) {
        if (input.type === "hidden" || input.disabled) return;
        if (!check(input, form) && !first) first = input;
      });
      if (!sharesAddUp(form) && !first) first = form.querySelector("[data-share]");
      if (first) { event.preventDefault(); event.stopImmediatePropagation(); first.focus(); }
    });
  });

  /* ---- co-authors: add, remove, shares that must reach 100 */
  function renumber(list) {
    all("[data-author]", list).forEach(function (row, index) {
      all("[name], [id], [for], [aria-describedby]", row).forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/authors-\d+-/g, "authors-" + index + "-"));
        });
      });
      var number = row.querySelector("[data-author-number]");
      if (number) number.textContent = index + 1;
      var remove = row.querySelector("[data-remove-author]");
      if (remove) { remove.value = "remove_author_" + index; remove.hidden = all("[data-author]", list).length < 2; }
    });
  }
  function sharesAddUp(form) {
    var list = form.querySelector("[data-authors]");
    if (!list) return true;
    var total = 0;
    all("[data-share]", list).forEach(function (input) { total += parseInt(input.value, 10) || 0; });
    var out = form.querySelector("[data-share-total]");
    if (out) {
      out.textContent = fill(out.dataset.template, {total: total});
      out.classList.toggle("bad", total !== 100);
    }
    return total === 100;
  }
  all("[data-authors]").forEach(function (list) {
    var form = list.closest("form");
    var template = document.getElementById(list.dataset.authors);
    var max = parseInt(list.dataset.max || "20", 10);
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=action]");
      if (!button) return;
      if (button.value === "add_author" && template) {
        event.preventDefault();
        if (all("[data-author]", list).length >= max) return;
        list.insertAdjacentHTML("beforeend", template.innerHTML);
        renumber(list);
        var rows = all("[data-author]", list);
        rows[rows.length - 1].querySelector("input").focus();
        saveDraft(form);
      } else if (button.value.indexOf("remove_author_") === 0) {
        event.preventDefault();
        button.closest("[data-author]").remove();
        renumber(list);
        sharesAddUp(form);
        saveDraft(form);
      }
    });
    form.addEventListener("input", function (event) { if (event.target.matches("[data-share]")) sharesAddUp(form); });
    renumber(list);
    sharesAddUp(form);
  });

  /* ---- similar initiatives (issue 14): looked up a second after the worker stops typing. The fields are
     posted (a URL would hold only a few hundred Vietnamese characters); the answer is the section's HTML,
     drawn by the server as the button's page would draw it. */
  all("[data-similar]").forEach(function (section) {
    var form = section.closest("form");
    var results = section.querySelector("[data-similar-results]");
    var names = ["title", "problem", "solution", "results"];
    var timer = null, last = "";
    function look() {
      var body = new URLSearchParams(), text = "";
      names.forEach(function (name) {
        var field = form.elements[name];
        var value = field ? field.value : "";
        body.set(name, value);
        text += value;
      });
      var unit = form.elements["unit_id"];
      if (unit && unit.value) body.set("unit_id", unit.value);
      if (section.dataset.exclude) body.set("exclude", section.dataset.exclude);
      if (text.trim().length < 20) return;
      var key = body.toString();
      if (key === last) return;
      last = key;
      fetch(section.dataset.similar, {method: "POST", credentials: "same-origin", body: body,
                                      headers: {"Content-Type": "application/x-www-form-urlencoded"}})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) results.innerHTML = html; })
        .catch(function () { /* offline: the button still works once the network is back */ });
    }
    names.forEach(function (name) {
      var field = form.elements[name];
      if (field) field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(look, 1000); });
    });
    var check = section.querySelector("[data-similar-check]");
    if (check) check.addEventListener("click", function (event) { event.preventDefault(); last = ""; look(); });
    look();  // a form shown again (an edit, a draft restored, an error) looks at once
  });

  /* ---- unit search: type a name, pick a unit */
  all("[data-unit-search]").forEach(function (box) {
    var input = box.querySelector("input[type=search]");
    var hidden = box.querySelector("input[name=unit_id]");
    var chosen = box.querySelector("[data-unit-chosen]");
    var list = box.querySelector(".suggestions");
    var timer = null, last = "";
    function pick(unit) {
      hidden.value = unit.id;
      chosen.textContent = unit.name;
      list.innerHTML = "";
      input.value = "";
      all("input[name=unit_id][type=radio]", box).forEach(function (r) { r.closest("li").remove(); });
      var form = box.closest("form");
      if (form) saveDraft(form);
    }
    function search() {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch(box.dataset.unitSearch + "?q=" + encodeURIComponent(q), {credentials: "same-origin",
                                                                     headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (answer) {
          list.innerHTML = "";
          if (!answer.items.length) {
            var none = document.createElement("li");
            none.textContent = box.dataset.none || "";
            list.appendChild(none);
          }
          answer.items.forEach(function (unit) {
            var li = document.createElement("li");
            var b = document.createElement("button");
            b.type = "button";
            b.dataset.unitId = unit.id;
            var strong = document.createElement("strong");
            strong.textContent = unit.name;
            var small = document.createElement("small");
            small.textContent = (unit.ancestors || []).join(" › ");
            b.appendChild(strong); b.appendChild(small);
            b.addEventListener("click", function () { pick(unit); });
            li.appendChild(b); list.appendChild(li);
          });
        }).catch(function () { /* offline: the plain "find" button still works */ });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
    var find = box.querySelector("button[value=find_unit]");
    if (find) find.addEventListener("click", function (event) { event.preventDefault(); last = ""; search(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); last = ""; search(); }
    });
  });

  /* ---- drafts kept in the browser: a dropped connection loses nothing */
  function draftKey(form) { return "draft:" + form.dataset.draft; }
  function saveDraft(form) {
    if (!form.dataset.draft) return;
    var data = {};
    all("input, textarea, select", form).forEach(function (el) {
      if (!el.name || el.type === "hidden" && el.name !== "unit_id" || el.type === "search") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data[el.name] = el.value;
    });
    var chosen = form.querySelector("[data-unit-chosen]");
    if (chosen) data._unit_name = chosen.textContent;
    data._authors = all("[data-author]", form).length;
    try { localStorage.setItem(draftKey(form), JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restoreDraft(form, data) {
    var list = form.querySelector("[data-authors]");
    var template = list && document.getElementById(list.dataset.authors);
    while (list && template && all("[data-author]", list).length < (data._authors || 1)) {
      list.insertAdjacentHTML("beforeend", template.innerHTML);
      renumber(list);
    }
    Object.keys(data).forEach(function (name) {
      if (name.charAt(0) === "_") return;
      var el = form.querySelector("[name='" + name + "']");
      if (el && el.type !== "radio") el.value = data[name];
    });
    var chosen = form.querySelector("[data-unit-chosen]");
    if (chosen && data._unit_name) chosen.textContent = data._unit_name;
    if (list) sharesAddUp(form);
  }
  all("[data-draft-clear]").forEach(function (el) {
    try { localStorage.removeItem("draft:" + el.dataset.draftClear); } catch (e) { /* ignore */ }
  });
  all("form[data-draft]").forEach(function (form) {
    var timer = null;
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { saveDraft(form); }, 300); });
    form.addEventListener("change", function () { saveDraft(form); });
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(draftKey(form)) || "null"); } catch (e) { saved = null; }
    var notice = form.querySelector("[data-draft-notice]");
    // Only a fresh form takes a draft back; one the server sent back with errors has the latest values.
    if (saved && form.dataset.draftRestore === "yes") {
      restoreDraft(form, saved);
      if (notice) notice.hidden = false;
    }
    var discard = form.querySelector("[data-draft-discard]");
    if (discard) discard.addEventListener("click", function (event) {
      event.preventDefault();
      try { localStorage.removeItem(draftKey(form)); } catch (e) { /* ignore */ }
      window.location.reload();
    });
  });

  /* ---- controls that only work with this script start hidden */
  all("[data-needs-script]").forEach(function (el) { el.hidden = false; });

  /* ---- select all in the queue */
  all("[data-select-all]").forEach(function (box) {
    var form = box.closest("form") || document;
    box.addEventListener("change", function () {
      all("input[type=checkbox][name=" + box.dataset.selectAll + "]", form).forEach(function (c) { c.checked = box.checked; });
    });
  });

  /* ---- an award list being compiled: poll its progress, then open the list */
  all("[data-progress]").forEach(function (section) {
    var bar = section.querySelector("progress");
    var label = section.querySelector("[data-progress-label]");
    var text = section.dataset.progressText;
    function poll() {
      fetch(section.dataset.progress, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { window.setTimeout(poll, 5000); return; }
          if (state.next) { window.location.assign(state.next); return; }
          if (state.total) {
            bar.max = state.total;
            bar.value = state.done;
            bar.textContent = state.percent + "%";
            label.textContent = fill(text, {done: state.done.toLocaleString(document.documentElement.lang || "vi"),
                                            total: state.total.toLocaleString(document.documentElement.lang || "vi"), percent: state.percent});
          }
          window.setTimeout(poll, 2000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
  /* ---- Issue 12, point 5: the queue's own input per row. Without this script every
     row shows its fields and those the chosen event takes are used; with it a row
     shows only the fields of the event chosen in the decision panel, and typing
     in a row's field ticks that row. */
  all("select[data-row-event]").forEach(function (select) {
    var form = select.closest("form");
    function show() {
      var event = select.value;
      all("[data-for-events]", form).forEach(function (box) {
        box.hidden = !!event && box.dataset.forEvents.split(" ").indexOf(event) < 0;
      });
      all("details[data-row-inputs]", form).forEach(function (details) {
        var any = all("[data-for-events]", details).some(function (box) { return !box.hidden; });
        details.hidden = !event || !any;
      });
    }
    select.addEventListener("change", show);
    show();
    form.addEventListener("input", function (event) {
      var row = event.target.closest && event.target.closest("details[data-row-inputs]");
      var li = row && row.closest("li[data-id]");
      var box = li && li.querySelector("input[name=ids]");
      if (box && event.target.value) box.checked = true;
    });
  });
})();

/* ---- issue 12, the printable receipt: its "print" button (hidden without this
   script; the browser's own print command works the same). */
(function () {
  "use strict";
  Array.prototype.slice.call(document.querySelectorAll("[data-print]")).forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
