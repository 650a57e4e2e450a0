// The policy editor: CodeMirror 6 (static/vendor/codemirror/editor.bundle.js,
// rebuilt by `make editor`) on top of the plain <textarea>. The textarea stays the
// form's field, kept in sync with every edit, and is what a browser without
// JavaScript (or without the bundle) shows and posts.
(function () {
  "use strict";
  const textarea = document.querySelector("[data-editor=policy]");
  if (!textarea) return;
  const kit = window.PolicyEditorKit;
  const wrap = textarea.closest("[data-editor-wrap]");
  let view = null;

  // ---- Positions -----------------------------------------------------------

  // The offset of a 1-based line and column, clamped to the document.
  function offsetOf(doc, line, column) {
    const target = doc.line(Math.min(Math.max(1, line || 1), doc.lines));
    return Math.min(target.from + Math.max(0, (column || 1) - 1), target.to);
  }

  // The token a problem points at: a whole string, or a run of word characters.
  function tokenEnd(doc, from) {
    const line = doc.lineAt(from);
    const rest = line.text.slice(from - line.from);
    let match = /^"(?:[^"\\]|\\.)*"?/.exec(rest);
    if (!match || !match[0]) match = /^[\w.+-]+/.exec(rest);
    if (match && match[0]) return from + match[0].length;
    return Math.min(from + 1, line.to);
  }

  function jumpTo(line, column) {
    if (!view) {
      const lines = textarea.value.split("\n");
      let offset = 0;
      for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
      offset += Math.max(0, column - 1);
      textarea.focus();
      textarea.setSelectionRange(offset, offset);
      return;
    }
    const pos = offsetOf(view.state.doc, line, column);
    view.dispatch({
      selection: { anchor: pos },
      effects: kit.EditorView.scrollIntoView(pos, { y: "center" }),
    });
    view.focus();
  }

  function replaceText(text) {
    if (!view) {
      textarea.value = text;
      return;
    }
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  }

  // ---- Inline markers from the server's problems and findings --------------

  function showProblems() {
    if (!view) return;
    const doc = view.state.doc;
    const diagnostics = [];
    document.querySelectorAll("#results [data-diagnostic]").forEach((item) => {
      const from = offsetOf(doc, Number(item.dataset.line), Number(item.dataset.column));
      diagnostics.push({
        from: from,
        to: tokenEnd(doc, from),
        severity: item.dataset.severity || "error",
        message: item.dataset.message,
      });
    });
    view.dispatch(kit.setDiagnostics(view.state, diagnostics));
  }

  // ---- Completion from the engine's catalog --------------------------------

  const STATEMENT_KEYS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action",
    "NotAction", "Resource", "NotResource", "Condition"];
  const POLICY_KEYS = ["Version", "Id", "Statement"];
  const OPERATORS = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "NumericEquals",
    "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
    "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals",
    "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike",
    "ArnNotEquals", "ArnNotLike", "Null"];
  let catalog = null;
  let catalogFailed = false;

  function loadCatalog() {
    if (!catalog) {
      catalog = fetch(wrap.dataset.catalogUrl, { credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) throw new Error(response.statusText);
          return response.json();
        })
        .then(indexCatalog)
        .catch(() => {
          catalogFailed = true;
          return null;
        });
    }
    return catalog;
  }

  // Completion options, built once from the catalog.
  function indexCatalog(data) {
    const services = data.services;
    const prefixes = Object.keys(services).map((prefix) => ({
      label: prefix + ":",
      type: "namespace",
      apply: (view, completion, from, to) => {
        view.dispatch({
          changes: { from: from, to: to, insert: completion.label },
          selection: { anchor: from + completion.label.length },
        });
        kit.startCompletion(view);
      },
    }));
    const keys = new Set(data.globalConditionKeys);
    Object.values(services).forEach((s) => (s.conditions || []).forEach((k) => keys.add(k)));
    const asSnippet = (text, extra) =>
      text.includes("${")
        ? kit.snippetCompletion(text, Object.assign({ label: text }, extra))
        : Object.assign({ label: text }, extra);
    const conditionKeys = Array.from(keys).sort().map((key) =>
      asSnippet(key, { type: "property", detail: key.startsWith("aws:") ? "global" : "" }));
    const arns = [];
    Object.entries(services).forEach(([prefix, s]) => {
      Object.entries(s.resources || {}).forEach(([type, template]) => {
        arns.push(asSnippet(template.replace("${Partition}", "aws"), {
          type: "text", detail: prefix + " " + type, service: prefix,
        }));
      });
    });
    return { services, prefixes, conditionKeys, arns, actions: {} };
  }

  function actionOptions(index, prefix) {
    if (!index.actions[prefix]) {
      index.actions[prefix] = (index.services[prefix].actions || []).map((name) => ({
        label: prefix + ":" + name, type: "function",
      }));
    }
    return index.actions[prefix];
  }

  // Where the string that starts at `end` sits in the policy: reads the text
  // before it (a small JSON scanner, so half-typed policies work too).
  function placeOf(text, end) {
    const stack = [];
    let pendingKey = null;
    let expectKey = false;
    let i = 0;
    while (i < end) {
      const c = text[i];
      if (c === '"') {
        let j = i + 1;
        while (j < end && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
        const value = text.slice(i + 1, j);
        const top = stack[stack.length - 1];
        if (top && top.type === "{" && expectKey) pendingKey = value;
        i = j + 1;
        continue;
      }
      const top = stack[stack.length - 1];
      if (c === "{" || c === "[") {
        const key = top ? (top.type === "{" ? pendingKey : top.key) : null;
        stack.push({ type: c, key: key });
        expectKey = c === "{";
        pendingKey = null;
      } else if (c === "}" || c === "]") {
        stack.pop();
        const outer = stack[stack.length - 1];
        expectKey = false;
        pendingKey = outer && outer.type === "{" ? pendingKey : null;
      } else if (c === ":") {
        expectKey = false;
      } else if (c === ",") {
        expectKey = Boolean(top && top.type === "{");
        if (expectKey) pendingKey = null;
      }
      i++;
    }
    const top = stack[stack.length - 1];
    if (!top) return { kind: "none" };
    const keys = stack.map((entry) => entry.key);
    if (top.type === "{" && expectKey) {
      const parent = keys[keys.length - 1];
      const grand = keys[keys.length - 2];
      if (stack.length === 1) return { kind: "policy-key" };
      if (grand === "Condition") return { kind: "condition-key" };
      if (parent === "Condition") return { kind: "operator" };
      if (parent === "Statement") return { kind: "statement-key" };
      return { kind: "none" };
    }
    const key = top.type === "{" ? pendingKey : top.key;
    return { kind: "value", key: key };
  }

  function usedServices(text) {
    const used = new Set();
    const pattern = /"([a-z0-9-]+):[A-Za-z*?]/g;
    let match;
    while ((match = pattern.exec(text))) used.add(match[1]);
    return used;
  }

  const words = (list, type) => list.map((label) => ({ label: label, type: type }));

  async function complete(context) {
    const before = context.matchBefore(/"[^"\n]*/);
    if (!before || (before.from === before.to && !context.explicit)) return null;
    const from = before.from + 1;
    const typed = before.text.slice(1);
    const text = context.state.doc.toString();
    const place = placeOf(text, before.from);
    const result = (options) => ({ from: from, options: options, validFor: /^[^"\s]*$/ });
    if (place.kind === "policy-key") return result(words(POLICY_KEYS, "keyword"));
    if (place.kind === "statement-key") return result(words(STATEMENT_KEYS, "keyword"));
    if (place.kind === "operator") return result(words(OPERATORS, "keyword"));
    if (place.kind === "value" && place.key === "Effect") {
      return result(words(["Allow", "Deny"], "constant"));
    }
    if (place.kind === "value" && place.key === "Version") {
      return result(words(["2012-10-17"], "constant"));
    }
    const needsCatalog = place.kind === "condition-key" || (place.kind === "value" &&
      ["Action", "NotAction", "Resource", "NotResource"].includes(place.key));
    if (!needsCatalog) return null;
    const index = await loadCatalog();
    if (!index) return null;
    if (place.kind === "condition-key") return result(index.conditionKeys);
    if (place.key === "Action" || place.key === "NotAction") {
      const prefix = typed.includes(":") ? typed.split(":")[0].toLowerCase() : null;
      if (prefix === null || !index.services[prefix]) {
        return { from: from, options: index.prefixes, validFor: /^[a-z0-9-]*$/ };
      }
      return { from: from, options: actionOptions(index, prefix), validFor: /^[\w:*?-]*$/ };
    }
    const used = usedServices(text);
    const arns = index.arns.map((option) =>
      used.has(option.service) ? Object.assign({}, option, { boost: 10 }) : option);
    return result(arns);
  }

  // ---- Format --------------------------------------------------------------

  // Pretty-prints JSON by re-spacing its tokens: keys, duplicate keys and number
  // spellings stay exactly as written (JSON.parse would merge or round them).
  function formatJson(text) {
    JSON.parse(text); // throws on anything that is not JSON
    let out = "";
    let depth = 0;
    let i = 0;
    const newline = () => "\n" + "  ".repeat(depth);
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        let j = i + 1;
        while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
        out += text.slice(i, j + 1);
        i = j + 1;
      } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        i++;
      } else if (c === "{" || c === "[") {
        let j = i + 1;
        while (/[ \t\n\r]/.test(text[j])) j++;
        if (text[j] === (c === "{" ? "}" : "]")) {
          out += c + text[j];
          i = j + 1;
        } else {
          depth++;
          out += c + newline();
          i++;
        }
      } else if (c === "}" || c === "]") {
        depth--;
        out += newline() + c;
        i++;
      } else if (c === ",") {
        out += "," + newline();
        i++;
      } else if (c === ":") {
        out += ": ";
        i++;
      } else {
        let j = i;
        while (j < text.length && !/[ \t\n\r,\]}:]/.test(text[j])) j++;
        out += text.slice(i, j);
        i = j;
      }
    }
    return out + "\n";
  }

  function format(status) {
    const text = view.state.doc.toString();
    let formatted;
    try {
      formatted = formatJson(text);
    } catch (error) {
      status.textContent = "Not formatted: the text is not valid JSON yet (" +
        error.message + "). Check it to see each problem on its line.";
      return;
    }
    if (formatted !== text) replaceText(formatted);
    status.textContent = "Formatted.";
    view.focus();
  }

  // ---- Setting up ----------------------------------------------------------

  // JSON in colours of at least 5:1 on white; bold keys, so meaning never
  // rests on colour alone.
  function highlightStyle() {
    const t = kit.tags;
    return kit.HighlightStyle.define([
      { tag: t.propertyName, color: "#0550ae", fontWeight: "600" },
      { tag: t.string, color: "#116329" },
      { tag: t.number, color: "#953800" },
      { tag: [t.bool, t.null], color: "#8250df" },
      { tag: t.invalid, color: "#b02a37", textDecoration: "underline wavy" },
    ]);
  }

  function setUp() {
    const label = document.getElementById(wrap.dataset.labelId);
    const help = wrap.dataset.helpId;
    const host = document.createElement("div");
    host.className = "policy-cm";
    textarea.after(host);
    const theme = kit.EditorView.theme({
      "&": { fontSize: ".875rem", backgroundColor: "#fff" },
      "&.cm-focused": { outline: "none", boxShadow: "0 0 0 .25rem rgba(13, 110, 253, .5)" },
      ".cm-scroller": { fontFamily: "var(--bs-font-monospace)", lineHeight: "1.5", minHeight: "24em" },
      ".cm-content": { minHeight: "24em" },
      // Line numbers at 7.4:1 on their background (WCAG AA asks 4.5:1).
      ".cm-gutters": { backgroundColor: "#f1f3f5", color: "#495057", borderRight: "1px solid #dee2e6" },
      ".cm-activeLineGutter": { backgroundColor: "#dee2e6", color: "#212529" },
    });
    view = new kit.EditorView({
      parent: host,
      state: kit.EditorState.create({
        doc: textarea.value,
        extensions: [
          kit.lineNumbers(),
          kit.highlightActiveLineGutter(),
          kit.lintGutter(),
          kit.history(),
          kit.drawSelection(),
          kit.indentOnInput(),
          kit.bracketMatching(),
          kit.closeBrackets(),
          kit.json(),
          kit.syntaxHighlighting(highlightStyle()),
          kit.autocompletion({ override: [complete], icons: false }),
          kit.EditorState.tabSize.of(2),
          kit.keymap.of([
            ...kit.closeBracketsKeymap,
            ...kit.defaultKeymap,
            ...kit.historyKeymap,
            ...kit.completionKeymap,
            ...kit.lintKeymap,
            kit.indentWithTab,
          ]),
          kit.EditorView.contentAttributes.of({
            "aria-labelledby": label.id,
            "aria-describedby": help,
          }),
          kit.EditorView.updateListener.of((update) => {
            if (update.docChanged) textarea.value = update.state.doc.toString();
          }),
          theme,
        ],
      }),
    });
    // The textarea stays in the form, hidden; the label now names the editor.
    textarea.hidden = true;
    label.removeAttribute("for");
    label.addEventListener("click", () => view.focus());
    document.querySelectorAll("[data-editor-only]").forEach((el) => { el.hidden = false; });
    const status = document.getElementById("format-status");
    const button = document.querySelector("[data-format-editor]");
    if (button) button.addEventListener("click", () => format(status));
    showProblems();
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target && event.detail.target.id === "results") showProblems();
    });
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-line]");
    if (link) {
      event.preventDefault();
      jumpTo(Number(link.dataset.line), Number(link.dataset.column || 1));
    }
    const reset = event.target.closest("[data-reset-editor]");
    if (reset) {
      const starter = document.getElementById("starter-text");
      if (starter && window.confirm("Replace the editor's text with the starter?")) {
        replaceText(JSON.parse(starter.textContent));
      }
    }
  });

  if (kit && wrap) setUp();
})();
