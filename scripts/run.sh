#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# `make run`: seeds ./data/parley.db with sample content on the first start,
# then serves it on http://127.0.0.1:8080 (PARLEY_LISTEN to change).
set -eu
bin="$1"
db="${PARLEY_DB:-sqlite:./data/parley.db}"
if [ ! -e ./data/parley.db ] && [ "$db" = "sqlite:./data/parley.db" ]; then
	echo "run: first start: filling $db with sample content (parley demo)"
	"$bin" demo --db "$db"
	echo "run: sample users share the password 'parley-demo' (try alice, or admin)"
fi
exec "$bin" serve --db "$db"
