#!/bin/sh
# Libreswan's own configuration parser for vendors/libreswan/tests (addconn,
# readwriteconf, algparse), from the Debian 12 package (Libreswan 4.10),
# unpacked into $VPNCONF_LIBRESWAN_ROOT (default /opt/vpnconf-libreswan).
# The package conflicts with strongSwan's (strongswan-libcharon,
# strongswan-starter): it is unpacked with dpkg -x, never installed, and only
# its shared-library dependencies are installed, after checking that apt
# would remove nothing. Idempotent: a working unpacked tree is left as it is.
set -eu
ROOT="${VPNCONF_LIBRESWAN_ROOT:-/opt/vpnconf-libreswan}"
BIN="$ROOT/usr/libexec/ipsec"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

missing_libs() {
    for b in addconn readwriteconf algparse; do
        ldd "$BIN/$b" 2>/dev/null | awk '/not found/ {print $1}'
    done | sort -u
}

works() {
    [ -x "$BIN/addconn" ] && [ -x "$BIN/readwriteconf" ] && [ -x "$BIN/algparse" ] && [ -z "$(missing_libs)" ]
}

if works; then
    echo "libreswan: $BIN already usable"
    exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# a machine whose package lists were never fetched (or were cleaned) updates them first
apt-get download libreswan 2>/dev/null || { $SUDO apt-get update -qq && apt-get download libreswan; }
DEB="$(ls libreswan_*.deb)"
$SUDO mkdir -p "$ROOT"
$SUDO dpkg -x "$DEB" "$ROOT"

if [ -n "$(missing_libs)" ]; then
    # the package's Depends, first alternative, no version; strongSwan's packages are never touched
    # only the ones not installed: naming an installed package to apt upgrades it (systemd, libpam...)
    DEPS=""
    for dep in $(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' \
        | grep -v -E '^$|^strongswan|^libcharon|^libstrongswan'); do
        dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" || DEPS="$DEPS $dep"
    done
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    if apt-get install -s -y --no-install-recommends $DEPS | grep -q '^Remv '; then
        echo "libreswan: installing its dependencies would remove packages; not done:" >&2
        # shellcheck disable=SC2086
        apt-get install -s -y --no-install-recommends $DEPS | grep '^Remv ' >&2
        exit 1
    fi
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $DEPS
fi

if ! works; then
    echo "libreswan: $BIN still lacks: $(missing_libs | tr '\n' ' ')" >&2
    exit 1
fi
echo "libreswan: $(dpkg-deb -f "$DEB" Version) unpacked in $ROOT"
