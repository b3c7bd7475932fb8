# SPDX-License-Identifier: GPL-2.0
# Normalize a C header for the probes of compat/gates.txt: comments removed,
# line continuations joined, each preprocessor directive on a line of its own
# (as "#define ..."), each top-level declaration (a struct, union, enum or
# typedef with its whole body, a function with its body, a prototype, a macro
# call such as TRACE_EVENT(...);) on one line, whitespace runs made one space,
# no space after ( [ or before ) ] , ;, one space after a comma.
# POSIX awk (mawk, gawk, busybox): no extensions.

function emit(s) {
	gsub(/[ \t\r\f\v]+/, " ", s)
	gsub(/\( /, "(", s)
	gsub(/ \)/, ")", s)
	gsub(/\[ /, "[", s)
	gsub(/ \]/, "]", s)
	gsub(/ ,/, ",", s)
	gsub(/,/, ", ", s)
	gsub(/,  +/, ", ", s)
	gsub(/ ;/, ";", s)
	sub(/^ /, "", s)
	sub(/ $/, "", s)
	if (s != "")
		print s
}

function flush() {
	if (cur != "")
		emit(cur)
	cur = ""
}

{ text = text $0 "\n" }

END {
	# block comments (a comment opener inside a string is not expected here)
	out = ""
	while ((i = index(text, "/*")) > 0) {
		rest = substr(text, i + 2)
		j = index(rest, "*/")
		if (j == 0) {
			text = substr(text, 1, i - 1)
			break
		}
		out = out substr(text, 1, i - 1) " "
		text = substr(rest, j + 2)
	}
	text = out text
	gsub(/\/\/[^\n]*/, "", text)
	gsub(/\\\n/, " ", text)

	# A declaration ends at a ";" outside braces and parentheses, or, for a
	# function definition (a ")" before its body), at the closing brace.
	n = split(text, lines, "\n")
	depth = 0
	pdepth = 0
	fnbody = 0
	cur = ""
	for (k = 1; k <= n; k++) {
		line = lines[k]
		if (depth == 0 && pdepth == 0 && line ~ /^[ \t]*#/) {
			flush()
			sub(/^[ \t]*#[ \t]*/, "#", line)
			emit(line)
			continue
		}
		cur = cur " "
		while (match(line, /[{}();]/)) {
			c = substr(line, RSTART, 1)
			cur = cur substr(line, 1, RSTART)
			line = substr(line, RSTART + 1)
			if (c == "(") {
				pdepth++
			} else if (c == ")") {
				if (pdepth > 0)
					pdepth--
			} else if (c == "{") {
				if (depth == 0 && pdepth == 0)
					fnbody = (cur ~ /\)[^{]*\{$/)
				depth++
			} else if (c == "}") {
				if (depth > 0)
					depth--
				if (depth == 0 && pdepth == 0 && fnbody) {
					flush()
					fnbody = 0
				}
			} else if (depth == 0 && pdepth == 0) {
				flush()
				fnbody = 0
			}
		}
		cur = cur line
	}
	flush()
}
