// A small policy editor on a plain <textarea>: line numbers, Tab to indent,
// jumping to the line and column of a problem. The page works without it.
(function () {
  "use strict";
  const INDENT = "  ";

  function setUp(textarea) {
    const gutter = textarea.parentElement.querySelector(".editor-gutter");

    function renumber() {
      const lines = textarea.value.split("\n").length;
      let text = "";
      for (let i = 1; i <= lines; i++) text += i + "\n";
      gutter.textContent = text;
      gutter.scrollTop = textarea.scrollTop;
    }

    function indent(outdent) {
      const { selectionStart: start, selectionEnd: end, value } = textarea;
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      if (!outdent && start === end) {
        textarea.setRangeText(INDENT, start, end, "end");
        return;
      }
      const block = value.slice(lineStart, end);
      const changed = block.split("\n").map((line) =>
        outdent ? line.replace(/^ {1,2}/, "") : INDENT + line
      ).join("\n");
      textarea.setRangeText(changed, lineStart, end, "select");
    }

    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey) {
        event.preventDefault();
        indent(event.shiftKey);
        renumber();
      } else if (event.key === "Escape") {
        textarea.blur(); // let keyboard users leave the editor
      }
    });
    textarea.addEventListener("input", renumber);
    textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
    renumber();
  }

  function jumpTo(textarea, line, column) {
    const lines = textarea.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    offset += Math.max(0, column - 1);
    textarea.focus();
    textarea.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-line]");
    const textarea = document.querySelector("[data-editor=policy]");
    if (link && textarea) {
      event.preventDefault();
      jumpTo(textarea, Number(link.dataset.line), Number(link.dataset.column || 1));
    }
    const reset = event.target.closest("[data-reset-editor]");
    if (reset && textarea) {
      const starter = document.getElementById("starter-text");
      if (starter && window.confirm("Replace the editor's text with the starter?")) {
        textarea.value = JSON.parse(starter.textContent);
        textarea.dispatchEvent(new Event("input"));
      }
    }
  });

  document.querySelectorAll("[data-editor=policy]").forEach(setUp);
})();
