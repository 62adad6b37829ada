// The chain as one line of text, "Alexander Stubb > Finnish media > Reuters", with completion
// of the hop under the caret from the sources registry (names and aliases). Enter or leaving
// the field sends the text to Python as the "chain" trigger; Python keeps every hop it already
// knows (kind and relation) and infers the rest. Names are shown with textContent only.

const MAX_CHOICES = 8;

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function fold(text) {
  return text.normalize("NFKC").toLocaleLowerCase().replace(/\s+/g, " ").trim();
}

function segmentAt(value, caret) {
  // [start, end) of the hop under the caret, between the " > " separators.
  const start = value.lastIndexOf(">", caret - 1) + 1;
  let end = value.indexOf(">", caret);
  if (end < 0) end = value.length;
  return [start, end];
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  let st = parentElement.__fcChain;
  if (!st) {
    st = parentElement.__fcChain = { choices: [], active: 0, sent: null };
    const root = make("div", "fc-chain");
    const label = make("label", "fc-chain-label", "Chain (origin > … > publisher)");
    st.input = make("input", "fc-chain-input");
    st.input.type = "text";
    st.input.autocomplete = "off";
    st.input.spellcheck = false;
    st.input.setAttribute("aria-label", "Chain");
    st.input.setAttribute("aria-autocomplete", "list");
    label.htmlFor = st.input.id = `fc-chain-${Math.random().toString(36).slice(2)}`;
    st.list = make("ul", "fc-chain-choices");
    st.list.setAttribute("role", "listbox");
    st.list.hidden = true;
    root.append(label, st.input, st.list);
    parentElement.appendChild(root);

    st.close = () => { st.list.hidden = true; st.choices = []; };
    st.commit = () => {
      st.close();
      const text = st.input.value;
      if (text !== st.data.value && text !== st.sent) {
        st.sent = text;
        st.setTriggerValue("chain", text);
      }
    };
    st.accept = (name) => {
      const value = st.input.value;
      const [start, end] = segmentAt(value, st.input.selectionStart ?? value.length);
      const before = value.slice(0, start).replace(/\s*$/, start ? " " : "");
      const after = value.slice(end);
      st.input.value = before + name + (after ? " " + after.replace(/^\s*/, "") : "");
      const caret = (before + name).length;
      st.input.setSelectionRange(caret, caret);
      st.close();
    };
    st.draw = () => {
      st.list.replaceChildren();
      st.choices.forEach((name, index) => {
        const item = make("li", index === st.active ? "fc-active" : "", name);
        item.setAttribute("role", "option");
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          st.accept(name);
        });
        st.list.appendChild(item);
      });
      st.list.hidden = st.choices.length === 0;
    };
    st.suggest = () => {
      const value = st.input.value;
      const [start, end] = segmentAt(value, st.input.selectionStart ?? value.length);
      const typed = fold(value.slice(start, end));
      if (!typed) { st.close(); return; }
      const names = st.data.names || [];
      // Names that begin with what is typed first, the shortest first ("Zer" offers ZeroHedge
      // before Zero Hedge and ZeroHedge News): the fewest keys to the common name.
      const byLength = (a, b) => a.length - b.length;
      const first = names.filter((n) => fold(n).startsWith(typed)).sort(byLength);
      const inside = names
        .filter((n) => !fold(n).startsWith(typed) && fold(n).includes(typed))
        .sort(byLength);
      st.choices = [...first, ...inside].filter((n) => fold(n) !== typed).slice(0, MAX_CHOICES);
      // A hop typed in full (a registry name or alias) is what the reviewer means: no choice
      // is active, so Enter sends the chain as typed and Tab leaves the field; the arrows
      // still pick a longer name ("ZeroHedge" must not become "ZeroHedge News").
      st.active = names.some((n) => fold(n) === typed) ? -1 : 0;
      st.draw();
    };
    st.input.addEventListener("input", st.suggest);
    st.input.addEventListener("blur", st.commit);
    st.input.addEventListener("keydown", (event) => {
      const open = !st.list.hidden && st.choices.length > 0;
      if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        const count = st.choices.length;
        const from = st.active < 0 && event.key === "ArrowUp" ? 0 : st.active;
        st.active = (from + (event.key === "ArrowDown" ? 1 : -1) + count) % count;
        st.draw();
      } else if (open && st.active >= 0 && (event.key === "Tab" || event.key === "Enter")) {
        event.preventDefault();
        st.accept(st.choices[st.active]);
      } else if (event.key === "Enter") {
        event.preventDefault();
        st.input.blur(); // commits; the page's keys (grades, Enter) work again
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        event.stopPropagation();
        st.close();
      }
    });
  }
  st.data = data;
  st.setTriggerValue = setTriggerValue;
  if (data.value !== st.shown) {
    st.shown = data.value;
    st.sent = null;
    if (document.activeElement !== st.input) st.input.value = data.value;
  }
  st.input.placeholder = data.placeholder || "";
  return () => {
    delete parentElement.__fcChain;
  };
}
