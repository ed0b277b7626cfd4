/* KMS Assist pages: small enhancements only; every page works without this file.
 * - [data-copy]: copy a field's text (navigator.clipboard, execCommand fallback)
 * - a.cite: show the cited source in a popover beside the marker (plain anchor without JS)
 * - form[data-feedback]: send feedback with fetch so the reply box keeps its text
 * - [data-sources]: hovering/focusing/clicking a draft sentence highlights its source tickets
 */
(function () {
  "use strict";

  function setStatus(el, text, isError) {
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("is-error", !!isError);
  }

  /* copy ------------------------------------------------------------------------------------ */
  function fallbackCopy(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    var field = document.querySelector(btn.getAttribute("data-copy"));
    if (!field) return;
    var status = btn.form ? btn.form.querySelector("[data-status]") : null;
    var ok = function () { setStatus(status, btn.getAttribute("data-copied")); };
    var fail = function () {
      if (fallbackCopy(field)) ok();
      else setStatus(status, btn.getAttribute("data-copy-failed"), true);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(ok, fail);
    } else {
      fail();
    }
  });

  /* citation popover ------------------------------------------------------------------------ */
  var pop = null;
  var popOwner = null;

  function closePop(restoreFocus) {
    if (!pop) return;
    pop.remove();
    pop = null;
    if (popOwner) {
      popOwner.setAttribute("aria-expanded", "false");
      if (restoreFocus) popOwner.focus();
    }
    popOwner = null;
  }

  function openPop(link) {
    var source = document.getElementById(link.getAttribute("data-cite"));
    if (!source) return false;
    closePop(false);
    pop = document.createElement("div");
    pop.className = "cite-pop";
    pop.id = "cite-pop";
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", link.textContent.trim());
    pop.tabIndex = -1;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "pop-close";
    close.setAttribute("aria-label", "close");
    close.textContent = "×";
    close.addEventListener("click", function () { closePop(true); });
    pop.appendChild(close);
    Array.prototype.forEach.call(source.children, function (child) {
      pop.appendChild(child.cloneNode(true));
    });
    document.body.appendChild(pop);
    var r = link.getBoundingClientRect();
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 8);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = window.scrollY + r.bottom + 6 + "px";
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", "cite-pop");
    popOwner = link;
    source.classList.add("is-flash");
    setTimeout(function () { source.classList.remove("is-flash"); }, 1600);
    pop.focus();
    return true;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.cite");
    if (link) {
      if (popOwner === link) { closePop(false); ev.preventDefault(); return; }
      if (openPop(link)) ev.preventDefault();
      return;
    }
    if (pop && !pop.contains(ev.target)) closePop(false);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && pop) closePop(true);
  });

  /* feedback without reload ----------------------------------------------------------------- */
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches("form[data-feedback]") || !window.fetch) return;
    var submitter = ev.submitter;
    if (submitter && submitter.hasAttribute("data-no-fetch")) return;
    ev.preventDefault();
    var data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    var status = form.querySelector("[data-status]");
    fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then(function (resp) {
        return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
      })
      .then(function (res) {
        if (res.ok) setStatus(status, res.body.message);
        else setStatus(status, (res.body.error && res.body.error.message) || "error", true);
        var reject = form.querySelector("details.reject");
        if (res.ok && reject) reject.open = false;
      })
      .catch(function () { form.submit(); });
  });

  /* draft provenance: sentence -> source tickets --------------------------------------------- */
  function highlightSources(sentence, on) {
    var ids = (sentence.getAttribute("data-sources") || "").split(" ").filter(Boolean);
    document.querySelectorAll(".src-ticket.is-highlighted").forEach(function (el) {
      el.classList.remove("is-highlighted");
    });
    document.querySelectorAll(".sentence.is-active").forEach(function (el) {
      el.classList.remove("is-active");
    });
    if (!on) return;
    sentence.classList.add("is-active");
    ids.forEach(function (id) {
      document.querySelectorAll('.src-ticket[data-ticket="' + CSS.escape(id) + '"]').forEach(function (el) {
        el.classList.add("is-highlighted");
      });
    });
  }
  var pinned = null;
  document.addEventListener("mouseover", function (ev) {
    var s = ev.target.closest("[data-sources]");
    if (s && !pinned) highlightSources(s, true);
  });
  document.addEventListener("mouseout", function (ev) {
    var s = ev.target.closest("[data-sources]");
    if (s && !pinned) highlightSources(s, false);
  });
  document.addEventListener("focusin", function (ev) {
    var s = ev.target.closest("[data-sources]");
    if (s) highlightSources(s, true);
  });
  document.addEventListener("click", function (ev) {
    var s = ev.target.closest("[data-sources]");
    if (!s) return;
    pinned = pinned === s ? null : s;
    highlightSources(s, pinned !== null);
    var first = document.querySelector(".src-ticket.is-highlighted");
    if (pinned && first && first.scrollIntoView) first.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  document.addEventListener("keydown", function (ev) {
    var s = ev.target.closest && ev.target.closest("[data-sources]");
    if (s && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); s.click(); }
  });
})();
