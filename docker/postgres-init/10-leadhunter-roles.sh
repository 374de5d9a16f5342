#!/bin/sh
# Run once by the postgres image on an empty data directory (docker-compose.yml), as the
# cluster's administrator. R-SEC-3: `leadhunter_owner` owns the database and runs the
# migrations (the `migrate` service); `leadhunter_app` is what web, worker and beat use: it
# owns nothing, and `manage.py migrate` grants it data rights only (no TRUNCATE; see
# apps/core/dbroles.py). A data directory made before this script existed: see the README.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$LEADHUNTER_OWNER_PASSWORD" -v app_password="$LEADHUNTER_APP_PASSWORD" <<'SQL'
CREATE ROLE leadhunter_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE leadhunter_app LOGIN PASSWORD :'app_password';
ALTER DATABASE :"DBNAME" OWNER TO leadhunter_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
