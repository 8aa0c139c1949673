# POSIX workload for the test guest (busybox ash), run by images/guest/init as
# `sh /workload.sh /mnt` on a writable NFS mount. Every step prints one
# `RB-RESULT posix.<step> ok|fail <detail>` line; the exit status is the number of failed steps.
#
# Reads that must come from the server (not the client's page cache) follow drop_caches.
# Expected values are computed from guest-local copies in /tmp, never from the mount, and are
# written as facts to posix/expect.txt on the mount so the host can check the server's export
# directory afterwards (posix-workload.ts: verifyPosixWorkload):
#   sha256 PATH HEX | size PATH N | mode PATH OCTAL | nlink PATH N | symlink PATH TARGET |
#   absent PATH | dir PATH | zeros PATH OFFSET LENGTH | mtime PATH EPOCH
. /lib/rb.sh

mnt=${1:-${RB_MNT:-/mnt}}
W=$mnt/posix
facts=/tmp/posix-expect.txt
local_dir=/tmp/posix-local
failures=0

fact() { echo "$*" >>"$facts"; }
drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }
# expect_eq GOT WANT WHAT
expect_eq() {
	[ "$1" = "$2" ] && return 0
	echo "$3: got '$1' want '$2'"
	return 1
}
uptime_cs() { cut -d' ' -f1 /proc/uptime | tr -d '.'; }

step() {
	_name=$1
	shift
	_t0=$(uptime_cs)
	if _out=$("$@" 2>&1); then
		rb_result "posix.$_name" ok "t=$(($(uptime_cs) - _t0))0ms $(printf '%s' "$_out" | tail -n 1)"
	else
		failures=$((failures + 1))
		rb_result "posix.$_name" fail "$(printf '%s' "$_out" | tail -n 3 | tr '\n' ' ')"
	fi
}

s_setup() {
	rm -rf "$W" "$local_dir" "$facts" || return 1
	mkdir -p "$local_dir" || return 1
	mkdir "$W" || return 1
	[ -d "$W" ] || { echo "no $W after mkdir"; return 1; }
	fact dir posix
}

s_create() {
	: >"$W/empty" || return 1
	[ -f "$W/empty" ] || { echo "empty is not a regular file"; return 1; }
	expect_eq "$(size_of "$W/empty")" 0 "size" || return 1
	fact size posix/empty 0
}

s_write_read() {
	dd if=/dev/urandom of="$local_dir/data.bin" bs=65536 count=16 2>/dev/null || return 1
	cp "$local_dir/data.bin" "$W/data.bin" || return 1
	want=$(sha "$local_dir/data.bin")
	drop_caches || return 1
	expect_eq "$(sha "$W/data.bin")" "$want" "sha256 after drop_caches" || return 1
	expect_eq "$(md5sum <"$W/data.bin" | cut -d' ' -f1)" "$(md5sum <"$local_dir/data.bin" | cut -d' ' -f1)" "md5" || return 1
	echo "1 MiB sha256=$want"
}

# Partial writes inside existing blocks (the read-modify-write path of a block-level proxy).
s_overwrite() {
	printf 'rowboot-overwrite' | dd of="$W/data.bin" bs=1 seek=10000 conv=notrunc 2>/dev/null || return 1
	printf 'rowboot-overwrite' | dd of="$local_dir/data.bin" bs=1 seek=10000 conv=notrunc 2>/dev/null || return 1
	printf 'tail' | dd of="$W/data.bin" bs=1 seek=1048570 conv=notrunc 2>/dev/null || return 1
	printf 'tail' | dd of="$local_dir/data.bin" bs=1 seek=1048570 conv=notrunc 2>/dev/null || return 1
	drop_caches || return 1
	expect_eq "$(sha "$W/data.bin")" "$(sha "$local_dir/data.bin")" "sha256 after overwrite" || return 1
	expect_eq "$(size_of "$W/data.bin")" 1048576 "size" || return 1
}

s_append() {
	printf 'line one\n' >"$W/append.txt" || return 1
	printf 'line two\n' >>"$W/append.txt" || return 1
	printf 'line one\nline two\n' >"$local_dir/append.txt"
	drop_caches || return 1
	expect_eq "$(sha "$W/append.txt")" "$(sha "$local_dir/append.txt")" "content" || return 1
	fact sha256 posix/append.txt "$(sha "$local_dir/append.txt")"
}

s_rename() {
	printf 'moved\n' >"$W/before.txt" || return 1
	mv "$W/before.txt" "$W/after.txt" || return 1
	[ ! -e "$W/before.txt" ] || { echo "before.txt still exists"; return 1; }
	expect_eq "$(cat "$W/after.txt")" moved "content" || return 1
	mkdir -p "$W/dir-a/inner" && printf 'x\n' >"$W/dir-a/inner/f" || return 1
	mv "$W/dir-a" "$W/dir-b" || return 1
	expect_eq "$(cat "$W/dir-b/inner/f")" x "content after directory rename" || return 1
	fact absent posix/before.txt
	fact sha256 posix/after.txt "$(printf 'moved\n' | sha256sum | cut -d' ' -f1)"
	fact absent posix/dir-a
	fact sha256 posix/dir-b/inner/f "$(printf 'x\n' | sha256sum | cut -d' ' -f1)"
}

s_remove() {
	printf 'bye\n' >"$W/removed.txt" || return 1
	rm "$W/removed.txt" || return 1
	[ ! -e "$W/removed.txt" ] || { echo "removed.txt still exists"; return 1; }
	drop_caches || return 1
	if ls "$W" | grep -qx removed.txt; then echo "removed.txt still listed"; return 1; fi
	fact absent posix/removed.txt
}

s_mkdir_rmdir() {
	mkdir -p "$W/d1/d2/d3" || return 1
	[ -d "$W/d1/d2/d3" ] || { echo "d3 missing"; return 1; }
	if rmdir "$W/d1" 2>/dev/null; then echo "rmdir of a non-empty directory succeeded"; return 1; fi
	rmdir "$W/d1/d2/d3" "$W/d1/d2" "$W/d1" || return 1
	[ ! -e "$W/d1" ] || { echo "d1 still exists"; return 1; }
	mkdir "$W/kept-dir" || return 1
	fact absent posix/d1
	fact dir posix/kept-dir
}

s_symlink() {
	ln -s data.bin "$W/link" || return 1
	expect_eq "$(readlink "$W/link")" data.bin "readlink" || return 1
	drop_caches || return 1
	expect_eq "$(sha "$W/link")" "$(sha "$local_dir/data.bin")" "read through symlink" || return 1
	fact symlink posix/link data.bin
}

s_hardlink() {
	ln "$W/data.bin" "$W/hard" || return 1
	drop_caches || return 1
	expect_eq "$(stat -c %h "$W/data.bin")" 2 "nlink" || return 1
	expect_eq "$(stat -c %i "$W/hard")" "$(stat -c %i "$W/data.bin")" "inode" || return 1
	fact nlink posix/data.bin 2
	fact nlink posix/hard 2
	fact sha256 posix/hard "$(sha "$local_dir/data.bin")"
	fact sha256 posix/data.bin "$(sha "$local_dir/data.bin")"
}

s_chmod() {
	printf 'mode\n' >"$W/mode.txt" || return 1
	chmod 0640 "$W/mode.txt" || return 1
	drop_caches || return 1
	expect_eq "$(stat -c %a "$W/mode.txt")" 640 "mode" || return 1
	chmod 0755 "$W/kept-dir" || return 1
	fact mode posix/mode.txt 640
	fact mode posix/kept-dir 755
}

s_utimes() {
	printf 'time\n' >"$W/time.txt" || return 1
	touch -d '2001-02-03 04:05:06' "$W/time.txt" || return 1
	want=$(stat -c %Y "$W/time.txt")
	drop_caches || return 1
	expect_eq "$(stat -c %Y "$W/time.txt")" "$want" "mtime" || return 1
	fact mtime posix/time.txt "$want"
}

s_truncate() {
	head -c 3000 "$local_dir/data.bin" >"$W/trunc.bin" || return 1
	truncate -s 1000 "$W/trunc.bin" || return 1
	expect_eq "$(size_of "$W/trunc.bin")" 1000 "size after shrink" || return 1
	truncate -s 5000 "$W/trunc.bin" || return 1
	drop_caches || return 1
	expect_eq "$(size_of "$W/trunc.bin")" 5000 "size after grow" || return 1
	head -c 1000 "$local_dir/data.bin" >"$local_dir/trunc.bin"
	dd if=/dev/zero bs=4000 count=1 2>/dev/null >>"$local_dir/trunc.bin"
	# Bytes 1000..4999 were cut off and regrown: they must read back as zeros, not old data.
	expect_eq "$(sha "$W/trunc.bin")" "$(sha "$local_dir/trunc.bin")" "content after shrink+grow" || return 1
	fact size posix/trunc.bin 5000
	fact zeros posix/trunc.bin 1000 4000
	fact sha256 posix/trunc.bin "$(sha "$local_dir/trunc.bin")"
}

s_sparse() {
	# One 4 KiB block written at 1 MiB: the first 1 MiB is a hole.
	dd if="$local_dir/data.bin" of="$W/sparse.bin" bs=4096 count=1 seek=256 2>/dev/null || return 1
	drop_caches || return 1
	expect_eq "$(size_of "$W/sparse.bin")" 1052672 "size" || return 1
	zeros=$(dd if=/dev/zero bs=4096 count=256 2>/dev/null | sha256sum | cut -d' ' -f1)
	expect_eq "$(dd if="$W/sparse.bin" bs=4096 count=256 2>/dev/null | sha256sum | cut -d' ' -f1)" "$zeros" "hole reads as zeros" || return 1
	expect_eq "$(dd if="$W/sparse.bin" bs=4096 skip=256 2>/dev/null | sha256sum | cut -d' ' -f1)" \
		"$(head -c 4096 "$local_dir/data.bin" | sha256sum | cut -d' ' -f1)" "data block" || return 1
	fact size posix/sparse.bin 1052672
	fact zeros posix/sparse.bin 0 1048576
	echo "blocks=$(stat -c %b "$W/sparse.bin")"
}

s_bigdir() {
	mkdir "$W/many" || return 1
	i=0
	while [ "$i" -lt 1000 ]; do
		: >"$W/many/f$i" || return 1
		i=$((i + 1))
	done
	drop_caches || return 1
	expect_eq "$(ls "$W/many" | wc -l)" 1000 "entries listed" || return 1
	expect_eq "$(ls "$W/many" | sort -u | wc -l)" 1000 "distinct entries" || return 1
	rm -f "$W/many"/f* || return 1
	drop_caches || return 1
	expect_eq "$(ls -A "$W/many" | wc -l)" 0 "entries after removing all" || return 1
	rmdir "$W/many" || return 1
	fact absent posix/many
}

s_expect() {
	cp "$facts" "$W/expect.txt" || return 1
	drop_caches || return 1
	expect_eq "$(sha "$W/expect.txt")" "$(sha "$facts")" "expect.txt" || return 1
	echo "facts=$(wc -l <"$facts")"
}

step setup s_setup
step create s_create
step write-read s_write_read
step overwrite s_overwrite
step append s_append
step rename s_rename
step remove s_remove
step mkdir-rmdir s_mkdir_rmdir
step symlink s_symlink
step hardlink s_hardlink
step chmod s_chmod
step utimes s_utimes
step truncate s_truncate
step sparse s_sparse
step bigdir s_bigdir
step expect s_expect
sync
exit "$failures"
