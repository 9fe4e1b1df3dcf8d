#!/usr/bin/env bash
# Builds vigil_VERSION_amd64.deb: a release build with the Swift runtime linked in statically
# (a load balancer has no Swift toolchain), stripped, with the unit, the config as a conffile, the
# nginx templates, the docs, a man page made from the CLI's own help, and shell completions.
# Depends: comes from the binary (dpkg-shlibdeps), so libcurl, libssh2 and libc, nothing Swift.
# lintian checks the result. The debug symbols are kept beside the package as
# vigil_VERSION_amd64.debug (objcopy --only-keep-debug), linked to the binary by a debuglink.
#
#   scripts/package.sh            build the package into dist/
#   scripts/package.sh --verify   build it, then install, run, remove and purge it in a fresh
#                                 Debian 12 root made by debootstrap (cached in /var/cache/vigil),
#                                 with no Swift anywhere in it
set -euo pipefail
cd "$(dirname "$0")/.."
verify=false
case "${1:-}" in
  --verify) verify=true ;;
  "") ;;
  *) echo "usage: scripts/package.sh [--verify]" >&2; exit 64 ;;
esac
started=$(date +%s)

version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/VigilCore/VigilVersion.swift)
[ -n "$version" ] || { echo "package: no version in Sources/VigilCore/VigilVersion.swift" >&2; exit 1; }
arch=$(dpkg --print-architecture)
name="vigil_${version}_${arch}"
dist="$PWD/dist"
scratch="${VIGIL_RELEASE_SCRATCH:-$PWD/.build-release}"

for tool in dpkg-deb dpkg-shlibdeps lintian objcopy; do
  command -v "$tool" >/dev/null || missing="${missing:-} $tool"
done
if [ -n "${missing:-}" ]; then
  echo "package: installing what packaging needs (dpkg-dev, lintian, binutils):$missing"
  apt-get install -y --no-install-recommends dpkg-dev lintian binutils >/dev/null
fi

echo "package: release build with the Swift runtime linked in (this takes a while)"
swift build -c release --static-swift-stdlib --product vigil --scratch-path "$scratch"
binary="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/vigil"

root=$(mktemp -d "${TMPDIR:-/tmp}/vigil-package-XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$dist"

install -D -m 0755 "$binary" "$root/usr/bin/vigil"
objcopy --only-keep-debug "$root/usr/bin/vigil" "$dist/$name.debug"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/vigil"
objcopy --add-gnu-debuglink="$dist/$name.debug" "$root/usr/bin/vigil"

# The unit as deploy/ has it, with the packaged binary's path.
install -d "$root/lib/systemd/system"
sed -e 's|/usr/local/bin/vigil|/usr/bin/vigil|g' -e 's|file:///usr/local/share/doc/vigil|file:///usr/share/doc/vigil|' \
  deploy/vigil.service > "$root/lib/systemd/system/vigil.service"
chmod 0644 "$root/lib/systemd/system/vigil.service"

install -D -m 0640 deploy/vigil.example.yaml "$root/etc/vigil/vigil.yaml"
install -d "$root/usr/share/vigil/nginx-templates"
install -m 0644 nginx-templates/* "$root/usr/share/vigil/nginx-templates/"

doc="$root/usr/share/doc/vigil"
install -d "$doc/docs"
install -m 0644 README.md BENCHMARKS.md "$doc/"
install -m 0644 docs/* "$doc/docs/"
{
  echo "vigil ($version) unstable; urgency=medium"
  echo
  echo "  * Built from commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo
  echo " -- Vigil maintainers <vigil@example.invalid>  $(date -R)"
} | gzip -9n > "$doc/changelog.gz"
cat > "$doc/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vigil

Files: *
Copyright: 2026 the Vigil authors
License: no license has been chosen yet; all rights reserved
EOF

# The man page from the CLI's own help (scripts/manpage.sh), and the completions from the binary.
scripts/manpage.sh "$root/usr/share/man/man1" "$root/usr/bin/vigil"
gzip -9n "$root/usr/share/man/man1/vigil.1"
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/fish/vendor_completions.d"
# bash-completion sources the file: no #! line.
"$root/usr/bin/vigil" --generate-completion-script bash | sed '1{/^#!/d}' > "$root/usr/share/bash-completion/completions/vigil"
"$root/usr/bin/vigil" --generate-completion-script zsh > "$root/usr/share/zsh/vendor-completions/_vigil"
"$root/usr/bin/vigil" --generate-completion-script fish > "$root/usr/share/fish/vendor_completions.d/vigil.fish"

install -d "$root/DEBIAN"
install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$root/DEBIAN/"
echo "/etc/vigil/vigil.yaml" > "$root/DEBIAN/conffiles"
# Two findings that are deliberate, each with its reason (lintian prints them as overridden).
install -d "$root/usr/share/lintian/overrides"
cat > "$root/usr/share/lintian/overrides/vigil" <<'EOF'
# Yams, the YAML parser, compiles its own copy of libyaml into the binary (its CYaml target);
# using Debian's libyaml would mean patching Yams. It reads only the local config file.
vigil: embedded-library libyaml [usr/bin/vigil]
# The config may hold secrets (webhook URLs given inline): root and the vigil group only.
vigil: non-standard-file-perm 0640 != 0644 [etc/vigil/vigil.yaml]
EOF

# dpkg-shlibdeps wants a debian/control beside it; a throwaway one in a folder of its own.
shlibs=$(mktemp -d "${TMPDIR:-/tmp}/vigil-shlibs-XXXXXX")
mkdir "$shlibs/debian"
printf 'Source: vigil\n\nPackage: vigil\nArchitecture: any\n' > "$shlibs/debian/control"
depends=$(cd "$shlibs" && dpkg-shlibdeps -O "$root/usr/bin/vigil" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$shlibs"
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

cat > "$root/DEBIAN/control" <<EOF
Package: vigil
Version: $version
Architecture: $arch
Maintainer: Vigil maintainers <vigil@example.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends, adduser, procps
Recommends: nginx
Section: net
Priority: optional
Homepage: https://vigil.example.invalid/
Description: health watchdog and automatic failover agent for nginx
 Vigil watches a primary service's health endpoints with hysteresis and,
 when the failure is sustained, starts the standby over SSH, waits until it
 is healthy, switches the nginx upstream on each load balancer (backup,
 atomic swap, nginx -t, reload, verify) and tells people on chat, webhooks
 and its status page. Any failed step rolls back and says so.
EOF

dpkg-deb --build --root-owner-group "$root" "$dist/$name.deb" >/dev/null
echo "package: $dist/$name.deb ($(du -k "$dist/$name.deb" | cut -f1) KiB; installed $(du -sk --exclude=DEBIAN "$root" | cut -f1) KiB; binary $(du -k "$root/usr/bin/vigil" | cut -f1) KiB)"
echo "package: Depends: $depends, adduser, procps (the unit's ExecReload runs /bin/kill)"
lintian --tag-display-limit 0 "$dist/$name.deb" || { echo "package: lintian reports errors (above)" >&2; exit 1; }
echo "package: lintian reports no error"

$verify || exit 0

# A pristine Debian 12 root, made once and copied for each run, so every run starts clean.
cache=/var/cache/vigil/bookworm-root
if [ ! -x "$cache/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap >/dev/null
  echo "package: debootstrap of Debian 12 into $cache (once)"
  rm -rf "$cache.partial"
  mkdir -p "$(dirname "$cache")"
  debootstrap --variant=minbase --include=systemd,man-db,ca-certificates bookworm "$cache.partial" http://deb.debian.org/debian >/dev/null
  mv "$cache.partial" "$cache"
fi
target=$(mktemp -d "${TMPDIR:-/tmp}/vigil-verify-XXXXXX")
trap 'umount "$target/proc" 2>/dev/null || true; rm -rf "$root" "$target"' EXIT
cp -a "$cache/." "$target/"
cp /etc/resolv.conf "$target/etc/resolv.conf"
mount -t proc proc "$target/proc"
cp "$dist/$name.deb" "$target/tmp/"
in_root() { chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
check() { echo "verify: $*"; }

if in_root sh -c 'command -v swift || ls /opt/swift /usr/lib/swift' >/dev/null 2>&1; then
  echo "verify: the root has Swift in it" >&2; exit 1
fi
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends "/tmp/$name.deb" >/dev/null 2>&1
check "installed; $(in_root dpkg-query -W -f='${Package} ${Version}, Installed-Size ${Installed-Size} KiB' vigil)"
check "vigil --version: $(in_root vigil --version)"
in_root vigil --help | head -1 | sed 's/^/verify: vigil --help: /'
check "man -w vigil: $(in_root man -w vigil)"
if in_root ldd /usr/bin/vigil | grep -i swift; then echo "verify: the binary needs a Swift library" >&2; exit 1; fi
check "ldd /usr/bin/vigil names no Swift library ($(in_root ldd /usr/bin/vigil | wc -l) libraries)"
set +e
output=$(in_root vigil config check --config /etc/vigil/vigil.yaml 2>&1)
status=$?
set -e
# The shipped config is the commented example: it names secrets to fill in, so the check must
# refuse it with exit 78 and say which.
if [ "$status" -ne 78 ] || ! grep -q "VIGIL_SLACK_URL is not set" <<<"$output"; then
  echo "verify: the shipped config should be refused naming what to fill in; got $status: $output" >&2; exit 1
fi
check "vigil config check on the shipped config: exit 78, $(head -1 <<<"$output")"
in_root systemd-analyze verify /lib/systemd/system/vigil.service
check "systemd-analyze verify vigil.service: clean"
in_root getent group vigil >/dev/null && check "group vigil exists; /var/lib/vigil is $(in_root stat -c %a /var/lib/vigil)"
in_root apt-get remove -y -qq vigil >/dev/null 2>&1
[ -e "$target/etc/vigil/vigil.yaml" ] && [ -d "$target/var/lib/vigil" ] && [ ! -e "$target/usr/bin/vigil" ] \
  || { echo "verify: apt-get remove should keep the config and the state, and remove the binary" >&2; exit 1; }
check "apt-get remove: binary gone, /etc/vigil/vigil.yaml and /var/lib/vigil kept"
in_root apt-get purge -y -qq vigil >/dev/null 2>&1
[ ! -e "$target/etc/vigil" ] && [ ! -e "$target/var/lib/vigil" ] \
  || { echo "verify: apt-get purge should remove the config and the state" >&2; exit 1; }
check "apt-get purge: config and state gone"
echo "verify: passed in $(( $(date +%s) - started )) s"

