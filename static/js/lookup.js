/*
 * Type-to-search for fields that choose one record among many (an organisation of 20,000).
 *
 * An <input list="…-options" data-lookup="/organisations/lookup"> asks the server for the
 * records matching what was typed (a short JSON list) and puts them in its <datalist>, which
 * the browser shows as suggestions. Without JavaScript the field is a plain text box: typing
 * the exact name works, since the server resolves the text on submit.
 */
(function () {
  "use strict";

  var DELAY_MS = 250;

  function attach(input) {
    var listId = input.getAttribute("list");
    var list = listId ? document.getElementById(listId) : null;
    var timer = null;
    var asked = "";
    if (!listId) {
      return;
    }
    if (!list) {
      // The server renders only the input; its suggestion list is made here, next to it.
      list = document.createElement("datalist");
      list.id = listId;
      input.insertAdjacentElement("afterend", list);
    }

    function fill(results) {
      var options = document.createDocumentFragment();
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.value; // text only: never parsed as HTML
        if (result.label) {
          option.label = result.label;
        }
        options.appendChild(option);
      });
      list.replaceChildren(options);
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) {
        return;
      }
      asked = text;
      var url = input.getAttribute("data-lookup") + "?q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === text) {
            fill(data.results || []);
          }
        })
        .catch(function () {
          /* suggestions are a convenience: the typed text is still sent and checked */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-lookup][list]").forEach(attach);
})();
