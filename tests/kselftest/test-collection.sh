#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The kselftest collection without a kernel tree: the installer on a made-up
# selftests directory (files, one registration however often it runs, a
# refusal), and the wrapper's KTAP and exit status around a stand-in zdcheck
# on a directory named by ZDCHECK_FSDAX. The real runner in a guest is
# tests/vm/run --kselftest.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

st=$work/linux/tools/testing/selftests
mkdir -p "$st"
printf 'TARGETS += alsa\nTARGETS += zram\n\nall:\n' > "$st/Makefile"
touch "$st/lib.mk"
"$here/install" "$work/linux" > /dev/null || bad "install failed"
"$here/install" "$work/linux" > /dev/null || bad "install again failed"
for f in Makefile settings config zdcheck.sh; do
	[ -f "$st/zdcheck/$f" ] || bad "no $f installed"
done
[ -x "$st/zdcheck/zdcheck.sh" ] || bad "zdcheck.sh not executable"
[ "$(sed -n 3p "$st/Makefile")" = 'TARGETS += zdcheck' ] || bad "not registered after the last target"
[ "$(grep -c 'zdcheck' "$st/Makefile")" = 1 ] || bad "registered more than once"
"$here/install" "$work" 2> /dev/null
[ $? -eq 2 ] || bad "a directory that is no kernel tree was not refused"

# A zdcheck that prints a one-check KTAP report and exits $FAKE_RC.
cat > "$work/zdcheck" <<'EOF'
#!/bin/bash
echo "KTAP version 1"
echo "1..1"
echo "ok 1 fsdax/dax/statx-mapsync # store_us=1"
echo "zdcheck: a line on stderr" >&2
exit "$FAKE_RC"
EOF
chmod +x "$work/zdcheck"
mkdir "$work/dax"

# run RC: the wrapper's output and exit status around a zdcheck exiting RC.
run() {
	FAKE_RC=$1 ZDCHECK=$work/zdcheck ZDCHECK_FSDAX=$work/dax \
		"$here/zdcheck.sh" > "$work/out" 2>&1
	echo "exit $?" >> "$work/out"
}
if [ "$(id -u)" != 0 ]; then
	run 0
	grep -qx '1..0 # SKIP zdcheck needs root.*' "$work/out" || bad "not root: no skip"
else
	run 0
	printf '%s\n' 'KTAP version 1' '1..1' '  KTAP version 1' '  1..1' \
		'  ok 1 fsdax/dax/statx-mapsync # store_us=1' '# zdcheck: a line on stderr' \
		"ok 1 fsdax $work/dax" 'exit 0' > "$work/want"
	cmp -s "$work/out" "$work/want" || { bad "a pass:"; diff "$work/want" "$work/out"; }
	run 1
	tail -n 3 "$work/out" | head -n 2 | tr '\n' '|' |
		grep -qx "# zdcheck exited 1|not ok 1 fsdax $work/dax|" || bad "a failure: $(cat "$work/out")"
	[ "$(tail -n 1 "$work/out")" = 'exit 1' ] || bad "a failure did not exit 1"
	run 77
	grep -qx "ok 1 fsdax $work/dax # SKIP zdcheck found nothing it could run" "$work/out" ||
		bad "nothing run: $(cat "$work/out")"
	[ "$(tail -n 1 "$work/out")" = 'exit 4' ] || bad "nothing run did not exit 4"
fi
ZDCHECK=$work/none "$here/zdcheck.sh" > "$work/out"
rc=$?
if [ $rc != 4 ] || ! grep -qx '1..0 # SKIP no zdcheck on PATH (set ZDCHECK)' "$work/out"; then
	bad "no zdcheck: exit $rc, $(cat "$work/out")"
fi

[ $fails = 0 ] && echo "kselftest collection: ok"
exit $((fails > 0))
