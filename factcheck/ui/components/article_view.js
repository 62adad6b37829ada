// The Annotate page's article view and keyboard (a Streamlit components v2 component).
//
// Draws the article with its claims highlighted and the open claim's marked spans, opens a
// claim on click, offers a small menu for a text selection, and listens for the page's
// hotkeys. Every change is sent to Python as one "events" trigger: {seq, events: [...]}. The
// article is inserted with textContent only: its text never becomes live HTML.
//
// Offsets are Python's (code points), not JavaScript's UTF-16 units: each piece of text
// carries its start, and a selection inside a piece is counted with Array.from.

const MENU = [
  // [key, action, label]: no key shadows a grade letter (A–F) or digit (1–6), nor a page key
  ["I", "new", "New claim"],
  ["L", "split", "Split here"],
  ["X", "extent", "Trim/extend open claim to this"],
  ["M", "merge", "Merge the claims it touches"],
  ["P", "speaker", "Speaker"],
  ["Q", "cue", "Cue"],
  ["T", "content", "Content (+ piece)"],
  ["G", "hop", "Add to chain"],
  ["O", "origin", "New origin (the speaker's source)"],
];
const PAGE_KEYS = new Set(["A", "B", "C", "D", "E", "F", "1", "2", "3", "4", "5", "6",
  "ENTER", "S", "J", "K", "N", "U"]);
const RESEND_MS = 4000; // a run that never acknowledged (an error page): send again
const SETTLE_MS = 60; // after the page's acknowledgement, for the other widgets to take it
const ORPHAN_MS = 10000; // how long a key pressed while no view is drawn waits for the next

function typingIn(target) {
  // Typing in a text field never triggers a hotkey.
  let el = target;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable) return true;
  if (tag === "INPUT") {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    return !["checkbox", "radio", "button", "submit", "range"].includes(type);
  }
  return el.getAttribute && el.getAttribute("role") === "combobox";
}

function codePoints(text) {
  return Array.from(text).length;
}

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function render(st) {
  const data = st.data;
  const chars = Array.from(data.text || "");
  const claims = (data.claims || []).slice().sort((a, b) => a[1] - b[1]);
  const marks = data.marks || {};
  const roles = [];
  for (const role of ["source", "cue", "content"]) {
    for (const [s, e] of marks[role] || []) roles.push([s, e, role]);
  }
  const cuts = new Set([0, chars.length]);
  for (const [, s, e] of claims) { cuts.add(s); cuts.add(e); }
  for (const [s, e] of roles) { cuts.add(s); cuts.add(e); }
  const points = Array.from(cuts).filter((p) => p >= 0 && p <= chars.length).sort((a, b) => a - b);

  const body = make("div", "fc-text");
  let claimIndex = 0;
  let holder = body;
  let holderEnd = -1;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    if (a >= holderEnd && holder !== body) { holder = body; holderEnd = -1; }
    while (claimIndex < claims.length && claims[claimIndex][2] <= a) claimIndex++;
    const claim = claims[claimIndex];
    if (holder === body && claim && claim[1] === a) {
      const [id, start, end, state, label] = claim;
      const mark = make("mark", `fc-${state}` + (id === data.open ? " fc-selected" : ""));
      mark.id = `claim-${id}`;
      mark.dataset.claim = String(id);
      mark.title = label;
      body.appendChild(mark);
      holder = mark;
      holderEnd = end;
    }
    const piece = make("span", "fc-piece", chars.slice(a, b).join(""));
    piece.dataset.start = String(a);
    const covering = roles.filter(([s, e]) => s <= a && b <= e).map(([, , role]) => role);
    for (const role of covering) piece.classList.add(`fc-role-${role}`);
    holder.appendChild(piece);
  }
  st.text.replaceChildren(body);
}

function offsetOf(node, offset) {
  // (DOM node, UTF-16 offset) → article offset in code points, or null outside the text.
  let el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  if (node.nodeType !== Node.TEXT_NODE && el && el.childNodes.length) {
    // A boundary between children: the start of the child at `offset`, or the end.
    const child = el.childNodes[Math.min(offset, el.childNodes.length - 1)];
    const piece = child.closest ? child.closest(".fc-piece") : null;
    if (piece && offset < el.childNodes.length) return Number(piece.dataset.start);
    if (piece) return Number(piece.dataset.start) + codePoints(piece.textContent);
  }
  const piece = el && el.closest ? el.closest(".fc-piece") : null;
  if (!piece) return null;
  const before = node.nodeType === Node.TEXT_NODE ? node.data.slice(0, offset) : "";
  return Number(piece.dataset.start) + codePoints(before);
}

function pageKey(event) {
  // The page key an event is (upper case), or null: modifiers, typing in a field and Enter on
  // a button or link are the browser's.
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (typingIn(event.target)) return null;
  const key = event.key.toUpperCase();
  const tag = (event.target.tagName || "").toUpperCase();
  if (key === "ENTER" && (tag === "BUTTON" || tag === "A")) return null; // Enter clicks it
  return key;
}

function orphanKey(event) {
  // A key pressed between two views (the old one unmounted, the new one not drawn yet) on the
  // page that drew them: kept for the next view, which sends it once the page is idle. Keys
  // on another page, or long after the last view went, are not the Annotate page's.
  const q = outbox();
  if (!q.goneAt || location.pathname !== q.path || Date.now() - q.goneAt > ORPHAN_MS) return;
  const key = pageKey(event);
  if (key === null || !PAGE_KEYS.has(key)) return;
  event.preventDefault();
  q.queue.push({ type: "key", key, at: Date.now() });
}

function outbox() {
  // Events wait here until the page has handled the ones sent before (the view may be
  // mounted afresh meanwhile, so this lives on the window, not on the view).
  if (!window.__fcOutbox) {
    window.__fcOutbox = { seq: 0, inflight: null, sentAt: 0, queue: [], drawnAt: 0, timer: 0 };
  }
  return window.__fcOutbox;
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  let st = parentElement.__fcView;
  if (!st) {
    st = parentElement.__fcView = { drawn: null, open: undefined, selection: null };
    const root = make("div", "fc-view");
    st.text = make("div", "fc-article");
    st.text.tabIndex = -1;
    st.menu = make("div", "fc-menu");
    st.menu.hidden = true;
    st.menu.setAttribute("role", "menu");
    st.help = make("div", "fc-help");
    st.help.hidden = true;
    root.append(st.text, st.menu, st.help);
    parentElement.appendChild(root);
    st.root = root;

    st.flush = () => {
      const q = outbox();
      if (q.inflight !== null && Date.now() - q.sentAt < RESEND_MS) return;
      if (!q.queue.length) return;
      // Wait for the page to be idle and drawn: a rerun requested before the form's widgets
      // show this run's values would send their old values back (a grade could come back).
      if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]') ||
          Date.now() - q.drawnAt < SETTLE_MS) {
        clearTimeout(q.timer);
        q.timer = setTimeout(() => window.__fcCurrentView && window.__fcCurrentView.flush(), 30);
        return;
      }
      q.seq = Math.max(q.seq, st.data.ack || 0) + 1;
      q.inflight = q.seq;
      q.sentAt = Date.now();
      const events = q.queue;
      q.queue = [];
      st.setTriggerValue("events", { seq: q.seq, events });
    };
    st.send = (event) => { outbox().queue.push(event); st.flush(); };

    st.closeMenu = () => { st.menu.hidden = true; st.selection = null; };
    st.openMenu = (start, end, rect) => {
      st.selection = { start, end };
      const box = st.root.getBoundingClientRect();
      st.menu.style.left = `${Math.max(0, rect.left - box.left)}px`;
      st.menu.style.top = `${rect.bottom - box.top + 4}px`;
      st.menu.hidden = false;
    };
    for (const [key, action, label] of MENU) {
      const button = make("button", "fc-menu-item");
      button.type = "button";
      button.dataset.action = action;
      button.setAttribute("role", "menuitem");
      button.append(make("kbd", "", key), document.createTextNode(" " + label));
      // mousedown, not click: a click would first collapse the selection
      button.addEventListener("mousedown", (event) => {
        event.preventDefault();
        st.choose(action);
      });
      st.menu.appendChild(button);
    }
    st.choose = (action) => {
      const sel = st.selection;
      st.closeMenu();
      if (sel) st.send({ type: "select", action, start: sel.start, end: sel.end });
      window.getSelection()?.removeAllRanges();
    };

    st.onMouseUp = () => {
      const selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return;
      const range = selection.getRangeAt(0);
      if (!st.text.contains(range.startContainer) || !st.text.contains(range.endContainer)) return;
      const start = offsetOf(range.startContainer, range.startOffset);
      const end = offsetOf(range.endContainer, range.endOffset);
      if (start === null || end === null || end <= start) return;
      st.openMenu(start, end, range.getBoundingClientRect());
    };
    st.onClick = (event) => {
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed) return; // a selection, not a click
      const mark = event.target.closest && event.target.closest("mark[data-claim]");
      st.closeMenu();
      if (mark && Number(mark.dataset.claim) !== st.data.open) {
        st.send({ type: "open", claim: Number(mark.dataset.claim) });
      }
    };
    st.text.addEventListener("mouseup", st.onMouseUp);
    st.text.addEventListener("click", st.onClick);

    st.onKey = (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      const key = event.key.toUpperCase();
      if (key === "ESCAPE") {
        if (!st.menu.hidden || !st.help.hidden) {
          st.closeMenu();
          st.help.hidden = true;
          event.preventDefault();
        } else if (typingIn(event.target) && document.activeElement) {
          document.activeElement.blur(); // back to the keyboard's page keys
        }
        return;
      }
      if (typingIn(event.target)) return;
      if (!st.menu.hidden) {
        const item = MENU.find(([k]) => k === key);
        if (item) { event.preventDefault(); st.choose(item[1]); return; }
      }
      if (key === "?" || (key === "/" && event.shiftKey)) {
        st.help.hidden = !st.help.hidden;
        event.preventDefault();
        return;
      }
      if (key === "H") {
        const chain = document.querySelector(".fc-chain-input");
        if (chain) { event.preventDefault(); chain.focus(); chain.select(); }
        return;
      }
      if (!PAGE_KEYS.has(key) || pageKey(event) === null) return;
      event.preventDefault();
      st.closeMenu();
      st.send({ type: "key", key });
    };
    // One listener for the page, handing each key to the view drawn last: Streamlit may mount
    // the view afresh (the page's layout above it changed) before unmounting the old one, or
    // after: a page key pressed while no view is up waits in the outbox for the next one.
    if (!window.__fcKeyListener) {
      window.__fcKeyListener = (event) => {
        const view = window.__fcCurrentView;
        if (view && view.root.isConnected) view.onKey(event);
        else orphanKey(event);
      };
      document.addEventListener("keydown", window.__fcKeyListener, true);
    }
    // Arriving from the sidebar leaves the focus on its link, where Enter would follow the
    // link again: the keyboard belongs to the page now.
    const from = document.activeElement;
    if (from && from.closest && from.closest('[data-testid="stSidebarNav"]')) from.blur();
  }
  st.data = data;
  st.setTriggerValue = setTriggerValue;
  window.__fcCurrentView = st;

  const q = outbox();
  if (q.goneAt) q.queue = q.queue.filter((e) => !e.at || Date.now() - e.at <= ORPHAN_MS);
  q.path = location.pathname;
  q.goneAt = 0;
  if (q.inflight !== null && (data.ack || 0) >= q.inflight) {
    q.inflight = null;
    q.drawnAt = Date.now();
  }
  st.flush();

  const drawn = JSON.stringify([data.text, data.claims, data.marks, data.open]);
  if (drawn !== st.drawn) {
    st.drawn = drawn;
    render(st);
    st.help.replaceChildren(make("div", "fc-help-title", "Keyboard"));
    const table = make("table");
    for (const [key, what] of data.help || []) {
      const row = make("tr");
      const cell = make("td");
      cell.appendChild(make("kbd", "", key));
      row.append(cell, make("td", "", what));
      table.appendChild(row);
    }
    st.help.append(table, make("div", "fc-help-foot", "? or Esc closes this"));
  }
  if (data.open !== st.open) {
    st.open = data.open;
    const mark = st.text.querySelector(`mark[data-claim="${Number(data.open)}"]`);
    if (mark) {
      // Scroll the article box (not the page) so the open claim sits in its upper third.
      const top = mark.offsetTop; // .fc-article is the offset parent
      const view = st.text.clientHeight;
      if (top < st.text.scrollTop || top + mark.offsetHeight > st.text.scrollTop + view) {
        st.text.scrollTop = Math.max(0, top - view / 3);
      }
    }
  }
  return () => {
    if (window.__fcCurrentView === st) {
      window.__fcCurrentView = null;
      outbox().goneAt = Date.now();
    }
    delete parentElement.__fcView;
  };
}
