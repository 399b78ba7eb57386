// Card entry with Stripe.js: the card goes to Stripe, we receive only a token, which the
// form then posts like any other form. 3-D Secure, when the bank asks, is confirmed here too.
(function () {
  "use strict";

  function mountCardForm(form) {
    var stripe = Stripe(form.dataset.publishableKey);
    var card = stripe.elements().create("card");
    var errors = document.getElementById("card-errors");
    var button = form.querySelector("button[type=submit]");
    card.mount("#card-element");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      errors.textContent = "";
      stripe.createToken(card).then(function (result) {
        if (result.error) {
          errors.textContent = result.error.message || "Please check your card details.";
          button.disabled = false;
          return;
        }
        form.querySelector("input[name=card_token]").value = result.token.id;
        form.submit();
      });
    });
  }

  function authenticate(element) {
    var stripe = Stripe(element.dataset.publishableKey);
    stripe.confirmCardPayment(element.dataset.clientSecret).then(function () {
      window.location.replace(window.location.pathname);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("card-form");
    if (form) { mountCardForm(form); }
    var action = document.getElementById("card-action");
    if (action) { authenticate(action); }
  });
})();
