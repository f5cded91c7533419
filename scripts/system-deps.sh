#!/usr/bin/env bash
# The system packages Dialogic needs beside its Python environment, installed when possible.
#
#   chromium           prints the client brief to PDF (audience brief-pdf) and runs the browser tests
#   fonts-dejavu-core  fonts for the figures and the printed pages
#
# Used by `make test`, `make report` and .ci/run. Quick and silent when both are present. As root on
# a Debian-like system (apt-get found) it runs `apt-get update` once and installs what is missing;
# otherwise it prints ONE line saying what to install and carries on (the HTML reports are still made;
# PDF briefs and browser tests are skipped, each saying why).
#
#   DIALOGIC_NO_APT=1            never call apt-get (say what is missing, carry on)
#   DIALOGIC_CHROMIUM=/path      the browser the package uses (default /usr/bin/chromium); when set,
#                                nothing is installed for it (the path is yours)
#   --require                    exit 1 when chromium is still missing at the end (CI)
set -u
require=0
[ "${1:-}" = "--require" ] && require=1
chromium="${DIALOGIC_CHROMIUM:-/usr/bin/chromium}"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
missing=()
[ -x "$chromium" ] || { [ -z "${DIALOGIC_CHROMIUM:-}" ] && missing+=(chromium); }
[ -e "$font" ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  what="${missing[*]}"
  if [ -z "${DIALOGIC_NO_APT:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${what} (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/tmp/dialogic-apt.log 2>&1; then
      echo "system-deps: apt-get install ${what} failed (see /tmp/dialogic-apt.log); continuing without it" >&2
    fi
  else
    why="not root or no apt-get"; [ -n "${DIALOGIC_NO_APT:-}" ] && why="DIALOGIC_NO_APT is set"
    echo "system-deps: missing ${what} (${why}): install it with 'sudo apt-get install ${what}' for PDF briefs and the browser tests; continuing without it" >&2
  fi
fi
if [ ! -x "$chromium" ]; then
  [ ${#missing[@]} -eq 0 ] && echo "system-deps: chromium not found at ${chromium} (DIALOGIC_CHROMIUM); PDF briefs and browser tests are skipped" >&2
  [ "$require" = 1 ] && exit 1
fi
exit 0
