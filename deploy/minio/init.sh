#!/bin/sh
# One-shot: the buckets of DESIGN §4. Versioning everywhere; object lock (COMPLIANCE) on the signed archive.
set -eu
until mc alias set naskah http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do sleep 2; done
mc mb --ignore-existing naskah/naskah-drafts
mc mb --ignore-existing naskah/naskah-reports
mc mb --ignore-existing --with-lock naskah/naskah-signed
mc version enable naskah/naskah-drafts
mc version enable naskah/naskah-reports
mc retention set --default COMPLIANCE "${NASKAH_SIGNED_RETENTION_DAYS:-3650}d" naskah/naskah-signed
echo "minio buckets ready"
