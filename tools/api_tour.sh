#!/bin/sh
# A tour of the User API with nothing but curl (and the shell): quote, buy, extend,
# reserve, cancel, return, credits. Against the demo server started by `make run`:
#   TOKEN=$(.venv/bin/flask --app storefront users token customer@example.com) sh tools/api_tour.sh
# On another port (`make run PORT=8000`): PORT=8000 sh tools/api_tour.sh, or set BASE.
# It first checks that the account's credits cover the whole tour, and stops before
# buying anything if they don't.
set -eu
BASE=${BASE:-http://127.0.0.1:${PORT:-5000}/api/v1}
: "${TOKEN:?Set TOKEN to an API token (from your account page, or: flask --app storefront users token EMAIL)}"
AUTH="Authorization: Bearer $TOKEN"
JSON="Content-Type: application/json"
RUN=$(date +%s)-$$

id_of() { grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2; }
say() { printf '\n== %s\n' "$1"; }
# The first "total" / "balance" of a JSON answer, e.g. 23.00.
amount_of() { grep -o "\"$1\": *\"[0-9.]*\"" | head -n 1 | grep -o '[0-9][0-9.]*'; }
total_of() { curl -fsS "$BASE/quote?country=$1&kind=long&tier_months=$2" | amount_of total; }

# At most, credits hold a 6-month German bundle, its 3-month extension, and then either the
# Swedish hold or the Austrian bundle (the hold comes back before the Austrian purchase).
if ! BALANCE=$(curl -fsS "$BASE/credits" -H "$AUTH" | amount_of balance); then
  echo "Could not read the credits at $BASE/credits: is the server running (make run), on this port, and is TOKEN valid?" >&2
  exit 1
fi
NEEDED=$(printf '%s %s %s %s\n' "$(total_of DE 6)" "$(total_of DE 3)" "$(total_of SE 3)" "$(total_of AT 3)" \
  | awk '{ print sprintf("%.2f", $1 + $2 + ($3 > $4 ? $3 : $4)) }')
if awk -v have="$BALANCE" -v need="$NEEDED" 'BEGIN { exit !(have + 0 < need + 0) }'; then
  echo "The tour needs $NEEDED in credits at its peak and this account has $BALANCE: nothing was bought." >&2
  echo "Top up credits on your account page, or run it as a fresh account (sign up, then create a token)." >&2
  exit 2
fi
echo "Credits: $BALANCE (the tour needs $NEEDED at its peak)"

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
