#!/usr/bin/env bash
# Installs what Vigil needs to build, test and run its lab on Debian: the C libraries it links,
# and the real programs its tests start on loopback (nginx, sshd, openssl). Idempotent.
set -euo pipefail

packages=(
  libcurl4-openssl-dev   # every HTTP request
  libssh2-1-dev          # every SSH action
  libssl-dev             # SHA-256 for host-key fingerprints (libssh2 links it too)
  pkg-config
  nginx                  # the load balancer and TLS endpoint in the lab
  openssh-server         # the lab's sshd
  openssh-client         # ssh-keygen
  openssl                # the lab's certificates
  procps
  curl                   # the tests' HTTP client and the benchmarks' shell-style baseline
  prometheus             # promtool checks /metrics in the tests (the server is never run)
  python3-aiosmtpd       # the tests' SMTP server (email channels, STARTTLS and AUTH)
  etcd-server            # the etcd client's tests run a three-member cluster on loopback
  etcd-client            # etcdctl: the tests' health checks and auth setup
  python3-jsonschema     # checks /status.json against docs/status.schema.json in the tests
  chromium               # renders the status page headless in the tests
  fonts-dejavu-core      # so that page has a font
  util-linux             # setpriv (tests run a command as another user)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: everything is installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing ${missing[*]}; run this script as root (sudo scripts/setup.sh)" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The package scripts must not start system-wide nginx or sshd: the lab runs its own on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
