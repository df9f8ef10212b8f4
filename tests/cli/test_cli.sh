#!/usr/bin/env bash
# test_cli.sh — the command-line contract of the core subcommands (stay,
# deadline, workdays, iin, bin, checklist): JSON keys and values, exit codes
# 0/1/2, and error messages that name the offending argument.
# Run by tests/run.sh with $QONAQ_BIN set (the sanitizer build); exits
# non-zero when any check fails and prints each failure.
set -uo pipefail
Q=${QONAQ_BIN:-build/san/qonaq}
fails=0 checks=0
out= err= rc=
errfile=$(mktemp "${TMPDIR:-/tmp}/qonaq-cli.XXXXXX")
trap 'rm -f "$errfile"' EXIT

run() { # run ARGS... : captures stdout, stderr and the exit status
  out=$("$Q" "$@" 2>"$errfile"); rc=$?
  err=$(cat "$errfile")
}
fail() { echo "FAIL: $*"; echo "  stdout: $out"; echo "  stderr: $err"; fails=$((fails + 1)); }
expect_rc() { checks=$((checks + 1)); [ "$rc" -eq "$1" ] || fail "exit $rc, want $1 ($2)"; }
expect_out() { checks=$((checks + 1)); grep -qF -- "$1" <<<"$out" || fail "stdout lacks '$1' ($2)"; }
expect_err() { checks=$((checks + 1)); grep -qF -- "$1" <<<"$err" || fail "stderr lacks '$1' ($2)"; }
# expect_json KEY VALUE: "KEY": VALUE appears in the JSON output.
expect_json() { expect_out "\"$1\": $2" "json $1"; }

# stay: JSON keys and values (KZ-1: entry 2023-02-01, last lawful day 2023-03-02).
run stay --citizenship DEU --on 2023-02-10 --json 2023-02-01..
expect_rc 0 "stay json"
for key in regime days_used days_left last_lawful_day overstay_days permit_required notification_deadline; do
  expect_out "\"$key\":" "stay key $key"
done
expect_json regime '"visa_free_30"'
expect_json days_used 10
expect_json days_left 80
expect_json last_lawful_day '"2023-03-02"'
expect_json overstay_days 0
expect_json permit_required false
expect_json notification_deadline '"2023-02-03"'
# CIS national past 30 days: permit required, overstay counted.
run stay --citizenship UZB --on 2024-02-15 --json 2024-01-01..
expect_rc 0 "stay cis"
expect_json permit_required true
expect_json overstay_days 16
# Visa end bounds the stay; --on=VALUE form.
run stay --citizenship XXA --on=2024-01-20 --visa-until 2024-02-15 --json 2024-01-10..
expect_json last_lawful_day '"2024-02-15"'
expect_json days_left null
# Readable summary.
run stay --citizenship RUS --on 2026-03-21 2026-03-20..
expect_rc 0 "stay text"
expect_out "host's notification deadline: 2026-03-27" "stay text deadline"
# --on defaults to today: still a valid run.
run stay --citizenship KGZ --json 2020-01-01..2020-01-05
expect_rc 0 "stay default --on"
# Bad arguments: exit 2, the message names the argument.
run stay --on 2024-01-01 2023-12-01..
expect_rc 2 "stay without citizenship"; expect_err "--citizenship" "missing citizenship named"
run stay --citizenship Germany 2023-12-01..
expect_rc 2 "bad citizenship"; expect_err "--citizenship" "bad citizenship named"
run stay --citizenship DEU --on 2024-13-01 2023-12-01..
expect_rc 2 "bad --on"; expect_err "--on" "--on named"
run stay --citizenship DEU --on 2024-01-10 2024-01-01..2024-01-05 2024-01-20..2024-01-08
expect_rc 2 "reversed trip"; expect_err "TRIP 2" "reversed trip named"
run stay --citizenship DEU --on 2024-01-10 2024-01-01..2024-01-05 2024-01-03..
expect_rc 2 "overlap"; expect_err "TRIP 2" "overlapping trip named"; expect_err "TRIP 1" "other trip named"
run stay --citizenship DEU --on 2024-01-10 2024/01/01..
expect_rc 2 "malformed trip"; expect_err "TRIP 1" "malformed trip named"
run stay --citizenship DEU --bogus 2024-01-01..
expect_rc 2 "unknown option"; expect_err "--bogus" "unknown option named"
run stay --citizenship DEU --visa-until
expect_rc 2 "missing value"; expect_err "--visa-until" "missing value named"
run stay --help
expect_rc 0 "stay --help"; expect_out "usage: qonaq stay" "stay usage"

# deadline and workdays.
run deadline --arrival 2026-03-20
expect_rc 0 "deadline"; expect_out "2026-03-27" "deadline plain"
run deadline --arrival 2026-03-20 --json
expect_json deadline '"2026-03-27"'
run deadline --arrival 2023-07-03 --from-next-day --json
expect_json deadline '"2023-07-10"'
run deadline --arrival 2026-03-20 --working-days 0
expect_rc 2 "working days 0"; expect_err "--working-days" "working days named"
run deadline
expect_rc 2 "deadline without arrival"; expect_err "--arrival" "arrival named"
run deadline --help
expect_rc 0 "deadline --help"
run workdays --from 2026-01-01 --to 2026-12-31
expect_rc 0 "workdays"; expect_out "247" "2026 working days"
run workdays --from 2025-01-01 --to 2025-12-31 --json
expect_json working_days 246
run workdays --from 2026-01-10 --to 2026-01-01
expect_rc 2 "workdays reversed"; expect_err "--to" "--to named"
run workdays --help
expect_rc 0 "workdays --help"

# iin and bin: 0 valid, 1 invalid, 2 bad arguments.
run iin 851231412342 --json
expect_rc 0 "iin valid"
expect_json valid true; expect_json birth_date '"1985-12-31"'; expect_json sex '"female"'
expect_out '"reason":' "iin reason key"
run iin 900101300800 --json
expect_rc 1 "iin never issued"; expect_json valid false; expect_out "never issued" "iin reason"
run iin 12345
expect_rc 1 "iin short"; expect_out "must be 12 digits" "iin short reason"
run iin
expect_rc 2 "iin missing"; expect_err "IIN" "iin argument named"
run iin --help
expect_rc 0 "iin --help"
run bin 070941024691 --json
expect_rc 0 "bin valid"; expect_json registered '"2007-09"'; expect_json attribute '"branch"'
run bin 070941024690
expect_rc 1 "bin invalid"; expect_out "check digit" "bin reason"
run bin --help
expect_rc 0 "bin --help"

# checklist.
run checklist --service foreigner_temporary --category stay_over_6_months --json
expect_rc 0 "checklist list"; expect_out '"photo"' "over 6 months adds the photo"
run checklist --service citizen_temporary --category not_owner --have identity_document,owner_consent --json
expect_rc 1 "checklist missing"; expect_out '"missing": ["owner_identity_document"]' "missing owner id"
run checklist --service citizen_temporary --category not_owner --have identity_document,owner_consent,owner_identity_document
expect_rc 0 "checklist complete"; expect_out "missing: none" "nothing missing"
run checklist --service visa_run
expect_rc 2 "unknown service"; expect_err "--service" "service named"
run checklist --service trp --category martian
expect_rc 2 "unknown category"; expect_err "--category" "category named"
run checklist --service trp --have moon_rock
expect_rc 2 "unknown document"; expect_err "--have" "have named"
run checklist --help
expect_rc 0 "checklist --help"; expect_out "foreigner_temporary" "services listed"

echo "cli: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
