#!/usr/bin/env bash
# journalctl-to-s3.sh: ships the kernel log lines (the netfilter LOG lines among them) that
# reached this host's journal since the last run to the fwlake raw bucket, as one gzip object
#   s3://$FWLAKE_BUCKET/raw/<host>/<yyyy>/<mm>/<dd>/kern-<HHMMSS>-<nanoseconds>.log.gz
# of `journalctl -o short-iso` lines:
#   2026-09-17T21:12:03+0000 fw1 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=... SRC=203.0.113.45 ...
# For hosts with only journalctl and the AWS CLI; fwlake-ship.timer runs it every 5 minutes.
#
# Written for: systemd's journalctl >= 242 (--cursor-file; tried with 252), bash >= 4, the
# AWS CLI (v1 or v2), GNU coreutils, gzip and util-linux flock.
#
# Install:
#   install -m 0755 journalctl-to-s3.sh /usr/local/bin/journalctl-to-s3.sh
#   install -m 0644 fwlake-ship.service fwlake-ship.timer /etc/systemd/system/
#   printf 'FWLAKE_BUCKET=my-fwlake-raw-bucket\nAWS_DEFAULT_REGION=eu-west-1\n' > /etc/fwlake-ship.env
#   systemctl daemon-reload && systemctl enable --now fwlake-ship.timer
# AWS credentials: any the CLI finds (instance role, /root/.aws, AWS_* in /etc/fwlake-ship.env),
# allowed s3:PutObject under raw/<this host>/ only (see README.md). For the stack's shipping
# role, add AWS_CONFIG_FILE=/etc/fwlake/aws-config and AWS_PROFILE=fwlake (the
# fwlake-credentials.sh profile) to /etc/fwlake-ship.env.
#
# Settings (environment):
#   FWLAKE_BUCKET           the raw bucket (required)
#   FWLAKE_HOST             the key's host segment; default `hostname -f`; [A-Za-z0-9._-]+
#   FWLAKE_STATE_DIR        where the journal cursor is kept; default $STATE_DIRECTORY
#                           (systemd's StateDirectory=) or /var/lib/fwlake-ship
#   FWLAKE_ALL_KERNEL=1     ship every kernel line, not only those with `IN=`
#   FWLAKE_JOURNALCTL_ARGS  extra journalctl arguments, split on blanks (e.g. --directory=DIR)
#
# How the position is kept: journalctl --cursor-file reads the cursor (the last entry
# shipped) from the file, prints only later entries, and writes the new last entry's cursor
# back. That replaces `--since "@<time of the last run>"`: no clock arithmetic, no line
# shipped twice or missed at the boundary. The script runs journalctl on a copy of the
# cursor file and puts the copy in place only after the upload succeeded, so a failed upload
# is retried (with the same lines and more) on the next run. Without a cursor yet (the first
# run) it ships the current boot's kernel lines, like `journalctl -k`. It matches
# _TRANSPORT=kernel rather than passing -k because -k also means --boot, which after a
# reboot would skip what the previous boot logged after the last run.
#
# When nothing new was logged, nothing is uploaded (and the cursor file is left alone).
#
# The name's day and time are the upload's (UTC); the lake files each line under its own
# time anyway. The nanoseconds (GNU date's %N) keep two runs in the same second (a manual
# `systemctl start` right after the timer's) from writing the same key: S3 would silently
# replace the first object.
#
# The one-liner version, for a crontab or a quick test. It advances the cursor even when the
# upload fails (those lines are then never shipped), uploads an empty gzip when nothing is
# new, and ships the whole kernel journal on its first run:
#   journalctl -q -o short-iso --cursor-file=/var/lib/fwlake-ship/cursor _TRANSPORT=kernel | gzip | aws s3 cp - "s3://$BUCKET/raw/$(hostname -f)/$(date -u +%Y/%m/%d)/kern-$(date -u +%H%M%S).log.gz"

set -euo pipefail

: "${FWLAKE_BUCKET:?set FWLAKE_BUCKET to the raw bucket name}"
host="${FWLAKE_HOST:-$(hostname -f)}"
state_dir="${FWLAKE_STATE_DIR:-${STATE_DIRECTORY:-/var/lib/fwlake-ship}}"
read -r -a extra_args <<<"${FWLAKE_JOURNALCTL_ARGS:-}"

if [[ ! $host =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "journalctl-to-s3: host '$host' is not [A-Za-z0-9._-]+; set FWLAKE_HOST" >&2
  exit 1
fi

mkdir -p "$state_dir"
# One run at a time (a manual run while the timer fires would ship the same lines twice).
exec 9>"$state_dir/lock"
if ! flock -n 9; then
  echo "journalctl-to-s3: another run holds $state_dir/lock; skipping" >&2
  exit 0
fi

cursor="$state_dir/cursor"
work="$(mktemp -d "$state_dir/run.XXXXXX")"
trap 'rm -rf "$work"' EXIT

since=()
if [[ -s $cursor ]]; then
  cp "$cursor" "$work/cursor"
else
  since=(--boot)
fi

# TZ=UTC: stamps like 2026-09-17T21:12:03+0000 (the parser reads any offset; UTC keeps
# the files uniform). --quiet: no "-- No entries --" or "-- Boot ... --" lines.
# ${a[@]+"${a[@]}"} expands an empty array without tripping `set -u` on bash < 4.4.
TZ=UTC journalctl --quiet --no-pager --output=short-iso --cursor-file="$work/cursor" \
  ${since[@]+"${since[@]}"} ${extra_args[@]+"${extra_args[@]}"} _TRANSPORT=kernel >"$work/kern.log"

if [[ ! -s $work/kern.log ]]; then
  exit 0
fi

if [[ ${FWLAKE_ALL_KERNEL:-0} == 1 ]]; then
  mv "$work/kern.log" "$work/ship.log"
else
  # grep exits 1 when no line matched: not an error here.
  grep -a -e 'IN=' "$work/kern.log" >"$work/ship.log" || [[ $? -eq 1 ]]
fi

if [[ -s $work/ship.log ]]; then
  gzip -n -c "$work/ship.log" >"$work/ship.log.gz"
  # One clock reading for both the day and the name, so a run at midnight cannot mix days.
  stamp="$(date -u +%Y/%m/%d/kern-%H%M%S-%N)"
  aws s3 cp --only-show-errors "$work/ship.log.gz" "s3://${FWLAKE_BUCKET}/raw/${host}/${stamp}.log.gz"
fi

# Shipped (or nothing worth shipping): the new position becomes the cursor.
if [[ -s $work/cursor ]]; then
  mv -f "$work/cursor" "$cursor"
fi
