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

  // Saving a card for automatic top-ups: Stripe.js confirms the SetupIntent, then the
  // form goes on to our page with the SetupIntent's id (we ask Stripe how it ended).
  function mountSetupForm(form) {
    var stripe = Stripe(form.dataset.publishableKey);
    var card = stripe.elements().create("card");
    var errors = document.getElementById("card-errors");
    var button = form.querySelector("button[type=submit]");
    card.mount("#card-element");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      errors.textContent = "";
      stripe.confirmCardSetup(form.dataset.clientSecret, {payment_method: {card: card}}).then(function (result) {
        if (result.error) {
          errors.textContent = result.error.message || "Please check your card details.";
          button.disabled = false;
          return;
        }
        form.querySelector("input[name=setup_intent]").value = result.setupIntent.id;
        form.submit();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var setup = document.getElementById("card-setup-form");
    if (setup) { mountSetupForm(setup); }
    var form = document.getElementById("card-form");
    if (form) { mountCardForm(form); }
    var action = document.getElementById("card-action");
    if (action) { authenticate(action); }
  });
})();
