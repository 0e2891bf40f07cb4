#!/bin/sh
# One-shot: create the vhost, give the naskah user its permissions, and load the exchange, queues,
# retry (TTL + dead-letter) and parking queues of definitions.json through the management API.
set -eu
api="http://rabbitmq:15672/api"
auth="$RABBITMQ_DEFAULT_USER:$RABBITMQ_DEFAULT_PASS"
until curl -fsS -u "$auth" "$api/overview" >/dev/null; do sleep 2; done
curl -fsS -u "$auth" -X PUT "$api/vhosts/naskah"
curl -fsS -u "$auth" -X PUT -H 'content-type: application/json' \
  -d '{"configure":".*","write":".*","read":".*"}' "$api/permissions/naskah/$RABBITMQ_DEFAULT_USER"
curl -fsS -u "$auth" -X POST -H 'content-type: application/json' \
  --data-binary @/definitions.json "$api/definitions/naskah"
echo "rabbitmq definitions loaded"
