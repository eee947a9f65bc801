# METADATA
# title: Dockerfile helpers
# description: |
#   Shared views of the Dockerfile model (input.dockerfile, see policies/README.md)
#   for the rules in policies/dockerfile: the stages, the final stage and the chain
#   of stages it is built FROM, instructions in build order, COPY sources and
#   --from references, the values ARG and ENV give a variable, and the
#   slotcheck:ignore comments that exempt an instruction.
package lib.dockerfile

# The Go side writes null for an absent list, map or text: these read it as empty.
as_array(x) := x if is_array(x)

as_array(x) := [] if not is_array(x)

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

as_string(x) := x if is_string(x)

as_string(x) := "" if not is_string(x)

model := as_object(object.get(input, "dockerfile", {}))

# stages are the stages in file order; a stage's position is its index.
stages := as_array(object.get(model, "stages", []))

# global_args are the ARGs declared before the first FROM, name -> value or null.
global_args := as_object(object.get(model, "args", {}))

# --- Instructions ------------------------------------------------------------

instructions(stage) := as_array(object.get(as_object(stage), "instructions", []))

# kind is the instruction's keyword in lower case ("run", "copy", ...).
kind(ins) := lower(as_string(object.get(as_object(ins), "kind", "")))

# args are the instruction's arguments (see the model: shell form is one string).
args(ins) := [a | some a in as_array(object.get(as_object(ins), "args", [])); is_string(a)]

flags(ins) := as_object(object.get(as_object(ins), "flags", {}))

# vars are the KEY=value declarations of an ENV or ARG (value null: ARG without default).
vars(ins) := [v |
	some v in as_array(object.get(as_object(ins), "vars", []))
	is_object(v)
	is_string(object.get(v, "key", null))
]

heredocs(ins) := [h | some h in as_array(object.get(as_object(ins), "heredocs", [])); is_object(h)]

# comments are the comment lines right above an instruction or a stage's FROM.
comments(node) := [c | some c in as_array(object.get(as_object(node), "comments", [])); is_string(c)]

original(ins) := as_string(object.get(as_object(ins), "original", ""))

exec_form(ins) if object.get(as_object(ins), "exec_form", false) == true

# command_text is what a RUN (or CMD, ENTRYPOINT) runs: its arguments and its
# heredocs' contents, with line continuations joined, so a regex sees one command
# where the author wrapped it.
command_text(ins) := regex.replace(
	concat("\n", array.concat([concat(" ", args(ins))], [as_string(object.get(h, "content", "")) | some h in heredocs(ins)])),
	`\\\r?\n`,
	" ",
)

# commands splits a command text into its simple commands (at &&, ||, ;, | and
# newlines), so that an option is judged on the command it belongs to.
commands(text) := [c | some c in regex.split(`&&|\|\||[;|\n]`, text); trim_space(c) != ""]

# sources are the sources of a COPY or ADD (every argument but the last).
sources(ins) := array.slice(a, 0, count(a) - 1) if {
	a := args(ins)
	count(a) > 1
} else := []

# dest is the destination of a COPY or ADD.
dest(ins) := a[count(a) - 1] if {
	a := args(ins)
	count(a) > 1
}

# basename is the last segment of a path, "" for a directory written with a trailing "/".
basename(path) := "" if {
	endswith(path, "/")
} else := parts[count(parts) - 1] if {
	parts := split(path, "/")
}

# copy_from is the --from of a COPY, when it has one.
copy_from(ins) := from if {
	kind(ins) == "copy"
	from := flags(ins).from
	is_string(from)
	from != ""
}

instruction_path(i, j) := ["stages", i, "instructions", j]

# violation is a deny element, with the token only when there is text to point at.
violation(msg, path, token) := {"msg": msg, "path": path, "token": token} if {
	is_string(token)
	token != ""
}

violation(msg, path, token) := {"msg": msg, "path": path} if not _text(token)

_text(x) if {
	is_string(x)
	x != ""
}

# --- Stages and chains -----------------------------------------------------------

# from_stage is the index of the stage a stage is built FROM, -1 for an image.
from_stage(stage) := n if {
	n := object.get(as_object(stage), "from_stage", -1)
	is_number(n)
} else := -1

is_scratch(stage) if object.get(as_object(stage), "scratch", false) == true

# stage_label names a stage in messages: its name, else its index.
stage_label(i) := name if {
	name := as_string(object.get(as_object(stages[i]), "name", ""))
	name != ""
} else := sprintf("%d", [i])

# stage_ref is the stage a COPY --from names: a stage name (BuildKit compares names
# in lower case) or an index. Undefined for an image reference.
stage_ref(ref) := n if {
	is_string(ref)
	regex.match(`^[0-9]+$`, ref)
	n := to_number(ref)
	n < count(stages)
}

stage_ref(ref) := max(named) if {
	is_string(ref)
	not regex.match(`^[0-9]+$`, ref)
	named := {i |
		some i, stage in stages
		name := as_string(object.get(as_object(stage), "name", ""))
		name != ""
		name == lower(ref)
	}
	count(named) > 0
}

# final_index is the stage that ships: the one marked final, else the last.
final_index := max(_marked_final) if {
	count(_marked_final) > 0
} else := count(stages) - 1 if {
	count(stages) > 0
}

_marked_final := {i | some i, stage in stages; object.get(as_object(stage), "final", false) == true}

final_path := ["stages", final_index]

# BuildKit only lets a stage be built FROM an earlier one, so an edge to the same
# or a later stage (a broken model) is ignored rather than followed.
_parents[i] := [p | p := from_stage(stage); p >= 0; p < i] if some i, stage in stages

_ancestry(i) := sort(graph.reachable(_parents, {i}))

# chain is stage i and the stages it inherits from through FROM <stage>, i first.
# An image keeps the USER, HEALTHCHECK, EXPOSE, ENV, CMD of the image it is built
# FROM, so a final-stage rule reads the whole chain.
chain(i) := array.reverse(_ancestry(i))

final_chain := chain(final_index)

# chain_root is the stage of i's chain that starts FROM an image (or scratch).
chain_root(i) := c[count(c) - 1] if c := chain(i)

# final_scratch holds when the image that ships is built FROM scratch.
final_scratch if is_scratch(stages[chain_root(final_index)])

# entries lists stage i's instructions with their stage, index and path.
entries(i) := [{"stage": i, "index": j, "instruction": ins, "path": instruction_path(i, j)} |
	some j, ins in instructions(stages[i])
]

# chain_entries lists the instructions of stage i's chain in build order (the
# root stage's first), so the last one of a kind is the one that wins.
chain_entries(i) := [e | some s in _ancestry(i); some e in entries(s)]

final_entries := chain_entries(final_index)

# --- Variables -------------------------------------------------------------------

# var_value is the value variable `key` has for an instruction of stage `stage`
# preceded by `before` (entries in build order): the last ENV of the chain, or ARG
# of that stage (ARGs do not outlive their stage), that declares it. An ARG with no
# default takes the global ARG's value. null when declared without a value,
# undefined when never declared.
var_value(before, stage, key) := values[count(values) - 1] if {
	values := [_declared_value(e, v) |
		some e in before
		_in_scope(e, stage)
		some v in vars(e.instruction)
		v.key == key
	]
	count(values) > 0
}

_in_scope(e, _) if kind(e.instruction) == "env"

_in_scope(e, stage) if {
	kind(e.instruction) == "arg"
	e.stage == stage
}

_declared_value(_, v) := v.value if is_string(v.value)

_declared_value(e, v) := object.get(global_args, v.key, null) if {
	not is_string(v.value)
	kind(e.instruction) == "arg"
}

_declared_value(e, v) := null if {
	not is_string(v.value)
	kind(e.instruction) != "arg"
}

_var_ref := `\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)`

# expand replaces $NAME, ${NAME} and ${NAME:-default} in text with the values
# var_value gives them. Undefined when a variable has no value: the text is then
# chosen at build time and cannot be judged.
expand(text, _, _) := text if not contains(text, "$")

expand(text, before, stage) := concat("", parts) if {
	contains(text, "$")
	refs := regex.find_all_string_submatch_n(_var_ref, text, -1)
	values := [v | some ref in refs; v := _ref_value(ref, before, stage)]
	count(values) == count(refs)
	parts := [concat("", [piece, _nth(values, k)]) | some k, piece in regex.split(_var_ref, text)]
}

_nth(xs, k) := xs[k] if k < count(xs)

_nth(xs, k) := "" if k >= count(xs)

_ref_value(ref, before, stage) := v if {
	ref[2] == ""
	v := var_value(before, stage, concat("", [ref[1], ref[3]]))
	is_string(v)
}

_ref_value(ref, before, stage) := v if {
	ref[2] != ""
	v := _or_default(var_value(before, stage, ref[1]), ref[2])
} else := substring(ref[2], indexof(ref[2], "-") + 1, -1) if {
	ref[2] != ""
}

# ${NAME-x} uses x when NAME is unset; ${NAME:-x} also when it is empty.
_or_default(v, modifier) := v if {
	is_string(v)
	not _empty_replaced(v, modifier)
}

_empty_replaced(v, modifier) if {
	startswith(modifier, ":")
	v == ""
}

# --- slotcheck:ignore comments -------------------------------------------------------

_commented contains {"node": stage, "path": ["stages", i]} if some i, stage in stages

_commented contains {"node": ins, "path": instruction_path(i, j)} if {
	some i, stage in stages
	some j, ins in instructions(stage)
}

# ignore_comments holds every `# slotcheck:ignore <ID>[,<ID>...] <reason>` comment
# above a FROM or an instruction: the rule ids it names (upper case; none when the
# first word is not a rule id), its reason ("" when it gives none: only words with
# a letter or digit count) and the path of what it stands above.
ignore_comments contains {"ids": ids, "reason": reason, "path": c.path, "text": text} if {
	some c in _commented
	some raw in comments(c.node)
	text := trim_space(raw)
	regex.match(`(?i)^slotcheck:ignore(\s|$)`, text)
	rest := trim_space(substring(text, count("slotcheck:ignore"), -1))
	first := regex.split(`\s+`, rest)[0]
	ids := _ids(first)
	reason := _reason(rest, first, ids)
}

_ids(word) := [upper(id) | some id in split(word, ","); id != ""] if {
	regex.match(`^[A-Za-z]+[0-9]+(,[A-Za-z]+[0-9]+)*,?$`, word)
} else := []

# With no rule id, the whole text is not a reason either: it exempts nothing.
_reason(_, _, ids) := "" if count(ids) == 0

_reason(rest, first, ids) := reason if {
	count(ids) > 0
	text := trim_space(substring(rest, count(first), -1))
	reason := _meaningful(text)
}

_meaningful(text) := text if regex.match(`[A-Za-z0-9]`, text)

_meaningful(text) := "" if not regex.match(`[A-Za-z0-9]`, text)

# exemptions are the ignore comments that give a reason, one per rule id they
# name. The engine suppresses a finding of that rule whose path starts with the
# comment's path. An ignore comment without a reason exempts nothing (EXM002).
exemptions contains {"id": id, "reason": c.reason, "path": c.path} if {
	some c in ignore_comments
	c.reason != ""
	some id in c.ids
}
