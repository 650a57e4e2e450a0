// The admin's question form: show only the sections the chosen type uses (and
// open them). Without JavaScript every section shows, and saving ignores the
// fields of other types, so nothing depends on this.
(function () {
  "use strict";

  function sync(select) {
    const type = select.value;
    for (const fieldset of document.querySelectorAll("fieldset.question-type")) {
      const used = !type || fieldset.classList.contains("question-type-" + type);
      const section = fieldset.closest(".inline-group") || fieldset;
      section.style.display = used ? "" : "none";
      const details = fieldset.querySelector(":scope > details");
      if (used && type && details) details.open = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const select = document.getElementById("id_type");
    if (!select) return;
    select.addEventListener("change", function () { sync(select); });
    sync(select);
  });
})();
