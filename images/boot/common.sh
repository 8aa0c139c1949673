# Shell functions shared by the image recipes (sourced, not run). Bash only.
# Reproducibility rules every recipe follows: fixed mtimes (SOURCE_DATE_EPOCH, default 0),
# owner 0:0, entries sorted in C order, gzip -n; output written atomically (temp + rename).

rb_images_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rb_repo=$(cd "$rb_images_dir/.." && pwd)
: "${SOURCE_DATE_EPOCH:=0}"
export SOURCE_DATE_EPOCH
rb_kernel_dir=${RB_KERNEL_DIR:-$rb_repo/.cache/kernel}
rb_deb_cache=${RB_DEB_CACHE:-$rb_repo/.cache/debs}
rb_busybox=${RB_BUSYBOX:-/bin/busybox}

rb_die() { echo "${rb_tool:-images}: $*" >&2; exit 1; }
rb_log() { echo "${rb_tool:-images}: $*" >&2; }

rb_need_tools() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || rb_die "missing tool: $tool"; done
}

# The kernel unpacked by scripts/setup.sh (linux-image-*-amd64 via apt-get download).
rb_kernel_version() {
  [ -f "$rb_kernel_dir/version" ] || rb_die "no $rb_kernel_dir/version: run scripts/setup.sh"
  cat "$rb_kernel_dir/version"
}

# busybox-static from Debian (installed by scripts/setup.sh); a dynamic one would not run in
# an initramfs or a root without libc.
rb_check_busybox() {
  [ -x "$rb_busybox" ] || rb_die "no busybox at $rb_busybox (Debian package busybox-static)"
  if ldd "$rb_busybox" >/dev/null 2>&1; then rb_die "$rb_busybox is dynamically linked; need busybox-static"; fi
}

# Version of the Debian package that owns a file, for the manifest ("unknown" outside dpkg).
rb_package_version_of() {
  local owner
  # dpkg knows a merged-/usr file by the path it was packaged under, either one.
  owner=$({ dpkg-query -S "$1" || dpkg-query -S "$(readlink -f "$1")"; } 2>/dev/null | head -n 1 | cut -d: -f1) || true
  if [ -n "$owner" ]; then dpkg-query -W -f='${Package} ${Version}' "$owner"; else echo "unknown"; fi
}

# rb_fetch_deb PACKAGE -> prints the path of PACKAGE's .deb, downloaded once into the cache
# with `apt-get download` (never installed on the host).
rb_fetch_deb() {
  local pkg=$1 found
  mkdir -p "$rb_deb_cache"
  found=$(find "$rb_deb_cache" -maxdepth 1 -name "${pkg}_*.deb" | LC_ALL=C sort | tail -n 1)
  if [ -z "$found" ]; then
    rb_log "apt-get download $pkg"
    (cd "$rb_deb_cache" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
      rb_die "apt-get download $pkg failed (needs the Debian archive; run apt-get update?)"
    found=$(find "$rb_deb_cache" -maxdepth 1 -name "${pkg}_*.deb" | LC_ALL=C sort | tail -n 1)
    [ -n "$found" ] || rb_die "apt-get download $pkg left no .deb in $rb_deb_cache"
  fi
  echo "$found"
}

# rb_deb_version FILE.deb -> "package version"
rb_deb_version() {
  dpkg-deb -f "$1" Package Version | tr '\n' ' ' | sed 's/Package: //; s/ Version: / /; s/ $//'
}

# rb_normalize_tree DIR: fixed mtimes (symlinks too); ownership 0:0 when we may chown.
rb_normalize_tree() {
  if [ "$(id -u)" = 0 ]; then chown -hR 0:0 "$1"; fi
  find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# rb_cpio_gz DIR OUT: a newc archive of DIR's contents (sorted, owner 0:0), gzip -9n.
rb_cpio_gz() {
  local dir=$1 out=$2 tmp
  tmp="$out.tmp.$$"
  (cd "$dir" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) | gzip -9n >"$tmp"
  mv -f "$tmp" "$out"
}

# rb_tar DIR OUT [keep-owners]: a tar of DIR's contents (sorted, fixed mtimes, numeric owners,
# all 0:0 unless keep-owners).
rb_tar() {
  local dir=$1 out=$2 tmp owners=(--owner=0 --group=0)
  [ "${3:-}" = keep-owners ] && owners=()
  tmp="$out.tmp.$$"
  tar --create --file="$tmp" --directory="$dir" --sort=name "${owners[@]}" --numeric-owner \
    --mtime="@$SOURCE_DATE_EPOCH" --format=gnu .
  mv -f "$tmp" "$out"
}

# rb_busybox_links DIR [PREFIX]: one relative symlink per busybox applet, at the applet's
# usual path (`busybox --list-full`), or at PREFIX/<applet> when PREFIX is given; applets whose
# path is listed in RB_SKIP_APPLETS (space separated, e.g. "sbin/init") are left out, and
# existing files are kept. One perl process (perl-base is Essential in Debian): a fork per
# link costs seconds on a loaded machine.
rb_busybox_links() {
  local root=$1 prefix=${2:-}
  if [ -n "$prefix" ]; then
    "$rb_busybox" --list | sed "s#^#$prefix/#"
  else
    "$rb_busybox" --list-full
  fi | RB_SKIP=" ${RB_SKIP_APPLETS:-} bin/busybox $prefix/busybox " perl -e '
    use strict;
    use File::Path qw(make_path);
    my ($root) = @ARGV;
    while (my $path = <STDIN>) {
      chomp $path;
      next if $path eq "" || index($ENV{RB_SKIP}, " $path ") >= 0;
      my $link = "$root/$path";
      next if -e $link || -l $link;
      my $depth = ($path =~ tr{/}{});
      (my $dir = $link) =~ s{/[^/]*$}{};
      make_path($dir);
      my $target = ($depth ? "../" x $depth : "./") . "bin/busybox";
      symlink($target, $link) or die "symlink $link: $!\n";
    }' "$root"
}
