#!/usr/bin/env bash
# Installs Vigil: the binary, the systemd unit, and an example config that never overwrites an
# existing one. `deploy/install.sh --uninstall` removes the binary and the unit and leaves the
# config and the state (/etc/vigil, /var/lib/vigil) for the operator to remove.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${PREFIX:-/usr/local}
unit_dir=${UNIT_DIR:-/etc/systemd/system}
config_dir=${CONFIG_DIR:-/etc/vigil}

if [ "${1:-}" = "--uninstall" ]; then
  systemctl disable --now vigil.service 2>/dev/null || true
  rm -f "$unit_dir/vigil.service" "$prefix/bin/vigil" "$prefix/share/man/man1/vigil.1" \
    "$prefix/share/bash-completion/completions/vigil" "$prefix/share/zsh/site-functions/_vigil" \
    "$prefix/share/fish/vendor_completions.d/vigil.fish"
  systemctl daemon-reload 2>/dev/null || true
  echo "vigil: removed the binary and the unit; $config_dir and /var/lib/vigil are left in place"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "install: run as root (sudo deploy/install.sh)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product vigil
install -D -m 0755 "$(swift build -c release --show-bin-path)/vigil" "$prefix/bin/vigil"
install -D -m 0644 deploy/vigil.service "$unit_dir/vigil.service"
# The man page from the CLI's own help, and completions from the binary, as the package has them.
scripts/manpage.sh "$prefix/share/man/man1" "$prefix/bin/vigil"
chmod 0644 "$prefix/share/man/man1/vigil.1"
install -d "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
"$prefix/bin/vigil" --generate-completion-script bash | sed '1{/^#!/d}' > "$prefix/share/bash-completion/completions/vigil"
"$prefix/bin/vigil" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_vigil"
"$prefix/bin/vigil" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/vigil.fish"
install -d -m 0750 "$config_dir"
if [ -e "$config_dir/vigil.yaml" ]; then
  echo "install: keeping the existing $config_dir/vigil.yaml"
  install -m 0640 deploy/vigil.example.yaml "$config_dir/vigil.example.yaml"
else
  install -m 0640 deploy/vigil.example.yaml "$config_dir/vigil.yaml"
  echo "install: wrote $config_dir/vigil.yaml from the example; edit it, then: vigil config check"
fi
systemctl daemon-reload 2>/dev/null || true
echo "install: done. Start with: systemctl enable --now vigil"
