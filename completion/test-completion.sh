#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The bash completion against the zdcheck it completes for: commands,
# options from COMMAND --help, check names from zdcheck list, formats.
# Exit 77 without bash-completion.
set -u
zd=$1
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "no bash-completion: skipped"; exit 77; }
# shellcheck source=/dev/null
. "$bc"
# shellcheck source=zdcheck
. "$(dirname "$0")/zdcheck"
fails=0

# complete LINE: the candidates for the last word of LINE (" " ends it).
complete_line() {
	local line=${1/#zdcheck/$zd}
	read -r -a COMP_WORDS <<< "$line"
	[[ $line == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	COMPREPLY=()
	_zdcheck "$zd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
# expect LINE WORD...: each WORD among the candidates.
expect() {
	local line=$1 w got
	shift
	got=$(complete_line "$line")
	for w in "$@"; do
		grep -qx -- "$w" <<< "$got" || { echo "FAIL: '$line': no '$w' in: ${got//$'\n'/ }"; fails=$((fails + 1)); }
	done
}
expect 'zdcheck ' fsdax devdax list probe stress help
expect 'zdcheck st' stress
expect 'zdcheck --format ' text json tap ktap
expect 'zdcheck -t fsdax/dax/st' fsdax/dax/statx-mapsync
expect 'zdcheck fsdax --wa' --wake-limit
expect 'zdcheck devdax --re' --restore
expect 'zdcheck stress ' fsdax devdax
expect 'zdcheck -v fsdax --kee' --keep
# An option of another command is not offered.
[ -z "$(complete_line 'zdcheck devdax --wa')" ] || { echo "FAIL: devdax offers --wake-limit"; fails=$((fails + 1)); }
[ $fails = 0 ] && echo "completion: ok"
exit $((fails > 0))
