// The main menu on a phone: folded behind the "Menu" button (a disclosure), so the page's own
// content starts on the first screen. Without this script the whole menu is shown.
(function () {
  "use strict";
  const nav = document.querySelector(".site-nav");
  const button = nav && nav.querySelector(".nav-toggle");
  if (!button) return;
  nav.classList.add("nav-foldable");

  function setOpen(open) {
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("nav-open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and gives the focus back to its button.
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
