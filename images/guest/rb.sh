# Shell helpers for the guest's /init and for workload scripts (`. /lib/rb.sh`).
# Result lines are what test/helpers/guest.ts parses; keep one line per result and no spaces
# in names.

# rb_result NAME ok|fail [DETAIL...]
rb_result() {
	_rb_name=$1
	_rb_status=$2
	shift 2
	# Newlines would split the line the host parses.
	_rb_detail=$(printf '%s' "$*" | tr '\n\r' '  ')
	echo "RB-RESULT $_rb_name $_rb_status $_rb_detail"
}

# rb_check NAME COMMAND... : runs COMMAND, reports ok or fail with its output (first 200 bytes).
rb_check() {
	_rb_name=$1
	shift
	if _rb_out=$("$@" 2>&1); then
		rb_result "$_rb_name" ok "$(printf '%s' "$_rb_out" | head -c 200)"
	else
		rb_result "$_rb_name" fail "exit=$? $(printf '%s' "$_rb_out" | head -c 200)"
		return 1
	fi
}
