#!/usr/bin/env bash
# Installs the Debian 12 packages the test suite needs: the real SCEP clients the interop
# tests drive (micromdm scepclient and scepserver, certmonger, strongSwan pki), the private
# D-Bus session certmonger runs on, openssl for verifying what they receive, PostgreSQL for the
# PostgreSQL store and scheduler tests, and nginx and HAProxy for checking the shipped load balancer
# configurations.
# Skips apt entirely when everything is already installed, so a warm run costs nothing.
set -euo pipefail

packages=(
  scep
  certmonger
  strongswan-pki
  libstrongswan-extra-plugins
  dbus
  openssl
  golang-github-micromdm-scep-dev
  postgresql
  nginx
  haproxy
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
else
  echo "install-deps: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: must run as root to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${packages[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK (dotnet) is not on PATH; it is not a Debian package and must come with the machine" >&2
  exit 1
fi
