// The agenda editor, in place. Without JavaScript, "Move up", "Move down" and
// "Add a row" send the form and the server returns it rearranged; here they act
// at once, and rows can also be dragged by their handle. Rows stay where they
// are in the page: what moves is the chosen quiz, exercise or lab, so each select
// keeps its name (agenda-N-content), its label ("Item N") and its buttons.
(function () {
  "use strict";

  const list = document.querySelector("[data-agenda-rows]");
  if (!list) {
    return;
  }
  const form = list.closest("form");
  const total = form.querySelector('input[name="agenda-TOTAL_FORMS"]');
  const maximum = Number.parseInt(
    form.querySelector('input[name="agenda-MAX_NUM_FORMS"]').value, 10
  );
  const status = form.querySelector("[data-agenda-status]");

  function rows() {
    return Array.from(list.querySelectorAll("[data-agenda-row]"));
  }

  function selectOf(row) {
    return row.querySelector("select");
  }

  function optionText(select) {
    const option = select.options[select.selectedIndex];
    return option && option.value ? option.text : "An empty line";
  }

  function announce(text) {
    status.textContent = text;
  }

  // Move the choice of row `from` to row `to`, shifting those in between.
  function move(from, to) {
    const selects = rows().map(selectOf);
    const values = selects.map((select) => select.value);
    const [moved] = values.splice(from, 1);
    values.splice(to, 0, moved);
    selects.forEach((select, index) => {
      select.value = values[index];
    });
    announce(optionText(selects[to]) + " is now item " + (to + 1) + ".");
  }

  function refreshButtons() {
    const all = rows();
    all.forEach((row, index) => {
      row.querySelector('[data-move="up"]').disabled = index === 0;
      row.querySelector('[data-move="down"]').disabled = index === all.length - 1;
    });
    form.querySelector("[data-agenda-add]").disabled = all.length >= maximum;
  }

  function addRow() {
    const all = rows();
    if (all.length >= maximum) {
      return;
    }
    const index = all.length;
    const row = all[all.length - 1].cloneNode(true);
    const rename = (value) => value.replace(/agenda-\d+-/, "agenda-" + index + "-");
    for (const element of row.querySelectorAll("[name], [id], [for]")) {
      for (const attribute of ["name", "id", "for"]) {
        if (element.hasAttribute(attribute)) {
          element.setAttribute(attribute, rename(element.getAttribute(attribute)));
        }
      }
    }
    row.querySelector("label").textContent = "Item " + (index + 1);
    for (const button of row.querySelectorAll("[data-move]")) {
      button.value = index + ":" + button.dataset.move;
      button.querySelector(".visually-hidden").textContent = " Item " + (index + 1);
    }
    row.querySelector("[role=group]").setAttribute("aria-label", "Move Item " + (index + 1));
    for (const error of row.querySelectorAll(".invalid-feedback")) {
      error.remove();
    }
    const select = selectOf(row);
    select.classList.remove("is-invalid");
    select.removeAttribute("autofocus");
    select.value = "";
    list.appendChild(row);
    total.value = String(index + 1);
    refreshButtons();
    select.focus();
    announce("Item " + (index + 1) + " added.");
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-agenda-add")) {
      event.preventDefault();
      addRow();
      return;
    }
    if (!button.dataset.move || !list.contains(button)) {
      return;
    }
    event.preventDefault();
    const all = rows();
    const from = all.indexOf(button.closest("[data-agenda-row]"));
    const to = button.dataset.move === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= all.length) {
      return;
    }
    move(from, to);
    // Keep the focus on the same button of the row the choice moved to, so
    // pressing it again keeps moving the same item.
    const again = all[to].querySelector('[data-move="' + button.dataset.move + '"]');
    (again.disabled ? selectOf(all[to]) : again).focus();
  });

  // Drag and drop (HTML5), by the handle; the buttons remain for the keyboard.
  let dragged = null;
  for (const handle of list.querySelectorAll(".agenda-handle")) {
    handle.hidden = false;
  }
  for (const help of form.querySelectorAll("[data-drag-help]")) {
    help.hidden = false;
  }
  list.addEventListener("mousedown", (event) => {
    const row = event.target.closest("[data-agenda-row]");
    if (row) {
      row.draggable = Boolean(event.target.closest(".agenda-handle"));
    }
  });
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("[data-agenda-row]");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
  });
  list.addEventListener("dragover", (event) => {
    if (dragged) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });
  list.addEventListener("drop", (event) => {
    const target = event.target.closest("[data-agenda-row]");
    if (!dragged || !target) {
      return;
    }
    event.preventDefault();
    const all = rows();
    const from = all.indexOf(dragged);
    const to = all.indexOf(target);
    if (from !== to) {
      move(from, to);
      selectOf(all[to]).focus();
    }
    dragged = null;
  });
  list.addEventListener("dragend", () => {
    dragged = null;
  });
  refreshButtons();
})();
