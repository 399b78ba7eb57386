#!/bin/sh
# A tour of the User API with nothing but curl (and the shell): quote, buy, extend,
# reserve, cancel, return, credits. Against the demo server started by `make run`:
#   TOKEN=$(.venv/bin/flask --app storefront users token customer@example.com) sh tools/api_tour.sh
set -eu
BASE=${BASE:-http://127.0.0.1:5000/api/v1}
: "${TOKEN:?Set TOKEN to an API token (from your account page, or: flask --app storefront users token EMAIL)}"
AUTH="Authorization: Bearer $TOKEN"
JSON="Content-Type: application/json"
RUN=$(date +%s)-$$

id_of() { grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2; }
say() { printf '\n== %s\n' "$1"; }

say "Quote: a 6-month long-term bundle in Germany"
curl -fsS "$BASE/quote?country=DE&kind=long&tier_months=6"

say "Buy it from credits (retrying with the same Idempotency-Key buys once)"
NUMBER=$(curl -fsS -X POST "$BASE/numbers" -H "$AUTH" -H "$JSON" -H "Idempotency-Key: buy-$RUN" \
  -d '{"country": "DE", "kind": "long", "tier_months": 6}')
echo "$NUMBER"
NUMBER_ID=$(echo "$NUMBER" | id_of)

say "Extend it by a 3-month bundle"
curl -fsS -X POST "$BASE/numbers/$NUMBER_ID/extend" -H "$AUTH" -H "$JSON" -H "Idempotency-Key: extend-$RUN" \
  -d '{"tier_months": 3}'

say "Reserve a 3-month bundle in Sweden (out of stock): the hold is taken from credits"
RESERVATION=$(curl -fsS -X POST "$BASE/reservations" -H "$AUTH" -H "$JSON" -H "Idempotency-Key: reserve-$RUN" \
  -d '{"country": "SE", "tier_months": 3}')
echo "$RESERVATION"
RESERVATION_ID=$(echo "$RESERVATION" | id_of)

say "Cancel the reservation: the whole hold comes back"
curl -fsS -X DELETE "$BASE/reservations/$RESERVATION_ID" -H "$AUTH"

say "Buy a 3-month bundle in Austria and return it unused (within 24 hours)"
SPARE_ID=$(curl -fsS -X POST "$BASE/numbers" -H "$AUTH" -H "$JSON" -H "Idempotency-Key: spare-$RUN" \
  -d '{"country": "AT", "kind": "long", "tier_months": 3}' | id_of)
curl -fsS -X POST "$BASE/numbers/$SPARE_ID/return" -H "$AUTH" -H "Idempotency-Key: return-$RUN"

say "Credits: balance and ledger"
curl -fsS "$BASE/credits" -H "$AUTH"
echo
