#!/bin/sh
# Debian's chromium for the browser tests (Playwright drives it through executable_path;
# `playwright install` cannot download browsers on an offline or registry-only machine).
set -e
if [ -x /usr/bin/chromium ]; then exit 0; fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
