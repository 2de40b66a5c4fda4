/*
 * Destructive actions ask first.
 *
 * A form (or its submit button) with data-confirm="Delete the list “X”?" shows that
 * question with window.confirm before it is sent; Cancel leaves everything as it was.
 * The question is written by the server, in the user's language. Without JavaScript
 * the form is simply sent, as before.
 */
(function () {
  "use strict";

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) {
        return;
      }
      var submitter = event.submitter;
      var question =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true // capture: ask before any other submit handler runs
  );
})();
