"""The inputs the PyYAML referee feeds to both parsers: hand-picked cases by class, every YAML 1.1
scalar spelling in several contexts, and seeded random documents.

Each case is (class, name, text). Classes group the agreement table; names make a disagreement
easy to find again.
"""

import random

# Plain scalar spellings whose YAML 1.1 resolution (as PyYAML's resolver does it) matters.
SCALARS = {
    "bool": [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "yEs", "tRUE",
    ],
    "int": [
        "0", "-0", "+1", "42", "-17", "010", "0o10", "0x1F", "0x1f", "0X1F", "0b101", "-0b11",
        "1_000", "0x_FF", "08", "019", "190:20:30", "-1:30", "1:60", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "00",
        "+0x10", "0b", "0x",
    ],
    "float": [
        "1.5", "-1.5", ".5", "1.", "-1.", "1.e+3", "1_000.5", "6.8523015e+5", "685.230_15e+03",
        "190:20:30.15", ".inf", "-.Inf", "+.INF", ".NaN", ".nan", ".NAN", "-.nan", "1e3", "1.0e3",
        "1.0E-3", "0.1", "1.7976931348623157e+308", "1.0e+400", "-0.0", "._5", "1__2.5", "+.5",
        "Infinity", "NaN", "inf",
    ],
    "null": ["~", "null", "Null", "NULL", "nULL", "", "None", "nil"],
    "timestamp": [
        "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
        "2001-12-15T02:59:43.1Z", "2026-01-01T18:00:00", "2024-05-01", "2024-5-1", "2024-5-1T1:2:3",
        "2024-13-01", "2024-02-30", "2024-05-01T25:00:00", "2024-05-01 10:00", "20240501",
        "2024-05-01T10:00:00+0530", "2024-05-01T10:00:00.123456789Z", "2024-05-01T10:00:00 Z",
    ],
    "string": [
        "Standard_DS3_v2", "a b", "12abc", "0.0.1", "1.2.3.4", "-", "-a", "a:b", "a: b", "a #b",
        "a#b", "=", "<<", "http://x.y/z?a=1&b=2", "C:\\path", "null-ish", "yes please", "~x",
        "1,000", "$schema", "a\u00e9\u4e2d", "key with  two spaces", "trailing ", "x!y", "[x",
        "{x", "x]", "@x", "`x", "%x", "!x", "&x", "*x", "|x", ">x", "'x", '"x', "?x", "? x", ",x",
    ],
}

CONTEXTS = {
    "value": "k: {s}\n",
    "item": "- {s}\n",
    "flow-seq": "k: [{s}]\n",
    "flow-map": "{{k: {s}}}\n",
    "key": "{s}: v\n",
    "commented": "k: {s} # note\n",
    "nested-item": "k:\n  - {s}\n",
}


def scalar_cases():
    for kind, spellings in SCALARS.items():
        for s in spellings:
            for ctx, template in CONTEXTS.items():
                yield (f"scalar-{kind}", f"{ctx}:{s!r}", template.format(s=s))


# Hand-picked documents, by class.
HAND_PICKED = {
    "anchors-aliases": [
        "a: &x 1\nb: *x\n",
        "a: &x {p: 1, q: 2}\nb: *x\n",
        "a: &x\n  p: 1\nb: *x\n",
        "- &a x\n- *a\n- *a\n",
        "a: *undefined\n",
        "a: &x 1\nb: &x 2\nc: *x\n",
        "a: &x [1, 2]\nb: [*x, *x]\n",
        "&x a: 1\n",
        "a: &anchor-with-dash v\nb: *anchor-with-dash\n",
        "a: & x\n",
        "a: &x\nb: *x\n",
    ],
    "merge-keys": [
        "base: &b {size: S, min: 0}\nc:\n  <<: *b\n  min: 1\n",
        "base: &b\n  size: S\n  min: 0\nc:\n  <<: *b\n  max: 2\n",
        "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n",
        "a: &a {x: 1}\nb: &b {x: 2}\nc:\n  <<: [*a, *b]\n",
        "c:\n  <<: {x: 1}\n  x: 2\n",
        "c:\n  x: 2\n  <<: {x: 1}\n",
        "c:\n  <<: 1\n",
        "c:\n  <<: [1, 2]\n",
        "<<: {a: 1}\nb: 2\n",
        "c:\n  '<<': {x: 1}\n",
        "c:\n  <<: *missing\n",
        "d: &d {a: 1}\nc:\n  <<: *d\n  <<: {b: 2}\n",
    ],
    "explicit-keys": [
        "? a\n: 1\n",
        "? a\n: 1\n? b\n: 2\n",
        "? a\n",
        "? a\n? b\n",
        "? |\n  block key\n: v\n",
        "? [a, b]\n: v\n",
        "? {a: 1}\n: v\n",
        "{? a: 1}\n",
        "[? a : 1]\n",
        "- ? a\n  : 1\n",
        "? - a\n  - b\n: v\n",
    ],
    "flow-style": [
        "{a: 1, b: [2, 3], c: {d: e}}\n",
        "[a, b, c]\n",
        "{a: 1, b: 2,}\n",
        "[a, b,]\n",
        "[a, , b]\n",
        "{a: 1,, b: 2}\n",
        "{a, b: 1}\n",
        "{a: }\n",
        "{: a}\n",
        "[a: 1, b]\n",
        "{a: [1,\n  2], b: 3}\n",
        "k: {a: 1,\n  b: 2}\n",
        "k: [a, b\n",
        "k: {a: 1\n",
        "k: a]\n",
        "{\"a\": 1, \"b\": [true, null]}\n",
        "{a:1}\n",
        "{\"a\":1}\n",
        "[{a: 1}, {b: 2}]\n",
        "k: [a b, c d]\n",
        "k: [a\n  b]\n",
        "[[], {}]\n",
        "k: [https://x.y/z, 'q']\n",
        "k: {a: [b, {c: d}]}\n",
        "{a: 1} # comment\n",
        "k: [a]b\n",
    ],
    "block-scalars": [
        "k: |\n  line 1\n  line 2\n",
        "k: >\n  folded\n  text\n\n  para\n",
        "k: |-\n  strip\n",
        "k: |+\n  keep\n\n\n",
        "k: >-\n  a\n  b\n",
        "k: >+\n  a\n\n",
        "k: |2\n    indented\n",
        "k: |1-\n  x\n",
        "k: |\n\n  leading blank\n",
        "k: |\n  a\n\n  b\n\n",
        "k: >\n  a\n    more indented\n  b\n",
        "k: |\n  a\nnext: 1\n",
        "k: |\n",
        "k: |\nnext: 1\n",
        "k: | # comment\n  x\n",
        "k: |x\n  y\n",
        "k: |0\n  y\n",
        "- |\n  item\n- >\n  folded\n",
        "k: |\n  a\n b\n",
        "k: |\n  tab\there\n",
        "k: >\n  trailing spaces   \n  x\n",
        "k: |-\n  no final newline",
        "k: |+\n  keep at eof",
    ],
    "tabs": [
        "k:\tv\n",
        "k: v\t\n",
        "k: v\t# c\n",
        "k:\n\t- a\n",
        "k:\n  \tv: 1\n",
        "\tk: v\n",
        "k: [a,\tb]\n",
        "k: 'a\tb'\n",
        "k: \"a\\tb\"\n",
        "k: a\tb\n",
        "-\ta\n",
        "k:\t1\n",
        "k: 1\t\n",
        "k:\n  a: 1\n\t\n",
    ],
    "bom": [
        "\ufeffk: v\n",
        "\ufeff# c\nk: v\n",
        "\ufeff---\nk: v\n",
        "\ufeff\n",
        "k: \ufeffv\n",
        "k: v\n\ufeff\n",
    ],
    "multi-docs": [
        "---\nk: v\n",
        "---\nk: v\n...\n",
        "k: v\n---\nk: w\n",
        "---\n---\n",
        "k: v\n...\n",
        "k: v\n...\n---\nk: w\n",
        "--- k: v\n",
        "--- |\n  text\n",
        "---\n",
        "...\n",
        "k: v\n--- # c\n",
        "%YAML 1.1\n---\nk: v\n",
        "%YAML 1.2\n---\nk: v\n",
        "%TAG !e! tag:example.com,2000:\n---\nk: v\n",
        "%YAML 1.1\nk: v\n",
        "k: ---\n",
        "k: ...\n",
        "k:\n---\n",
    ],
    "quoted-escapes": [
        "k: 'it''s'\n",
        "k: \"a\\\"b\"\n",
        "k: \"\\x41\\u00e9\\U0001F600\"\n",
        "k: \"\\N\\_\\L\\P\"\n",
        "k: \"\\e\\a\\b\\v\\f\\0\"\n",
        "k: \"\\/\"\n",
        "k: \"\\ \"\n",
        "k: \"\\q\"\n",
        "k: \"\\x4\"\n",
        "k: \"a\n  b\"\n",
        "k: 'a\n\n  b'\n",
        "k: \"a\\\n  b\"\n",
        "k: \"a  \n  b\"\n",
        "k: '\\n'\n",
        "k: \"\"\n",
        "k: ''\n",
        "k: 'unclosed\n",
        "k: \"unclosed\n",
        "k: 'a' b\n",
        "k: \"a\"b\n",
        "'k': 1\n\"k2\": 2\n",
        "k: \"\\u00\"\n",
        "k: \"\\uD800\"\n",
        "k: \"\\t\"\n",
        "k: \"\t\"\n",
    ],
    "tags": [
        "k: !Ref X\n",
        "k: !!str 1\n",
        "k: !!int '7'\n",
        "k: !!float 1\n",
        "k: !!bool yes\n",
        "k: !!null ''\n",
        "k: !!binary aGVsbG8=\n",
        "k: !!timestamp 2024-05-01\n",
        "k: !!set {a, b}\n",
        "k: !!omap [a: 1, b: 2]\n",
        "k: !!pairs [a: 1, a: 2]\n",
        "k: !!python/object:os.system x\n",
        "k: !<tag:yaml.org,2002:str> 5\n",
        "k: ! 5\n",
        "k: !GetAtt a.b\n",
        "k: !!map {a: 1}\n",
        "k: !!seq [1]\n",
        "k: !!int x\n",
        "k: !!str\n",
        "--- !!map\nk: v\n",
    ],
    "comments-and-structure": [
        "# only a comment\n",
        "",
        "\n\n",
        "k: v # c\n# c2\n",
        "k: v#not a comment\n",
        "k: 'v' # c\n",
        "k: # c\n  v\n",
        "a:\n  b:\n    c: 1\n  d: 2\n",
        "a:\n- 1\n- 2\n",
        "a:\n  - 1\n  - 2\nb: 3\n",
        "- a\n- b: 1\n  c: 2\n- - x\n  - y\n",
        "a: b: c\n",
        "a:\n  b: 1\n c: 2\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: 1\na: 2\n",
        "a: {x: 1}\na: {y: 2}\n",
        "k:\n",
        "k: \n",
        ": v\n",
        "k v\n",
        "just a scalar\n",
        "- \n",
        "1: a\n2.5: b\ntrue: c\nnull: d\n",
        "k: multi\n  line\n  plain\n",
        "k: a\n\n  b\n",
        "- a\n  b\n",
        "k: a: b\n",
        "k: - a\n",
        "key with spaces: v\n",
        "k: v\r\nl: w\r\n",
        "k: v\rl: w\r",
        "k: v\n\x85l: w\n",
        "k: \x07\n",
        "k: \u2028v\n",
        "k: v\n" * 3,
        "a:\n  - b:\n      c: 1\n",
        "\"k\"\n",
        "[a]: 1\n",
        "{a: 1}: 2\n",
    ],
}


def hand_picked_cases():
    for cls, texts in HAND_PICKED.items():
        for i, text in enumerate(texts):
            yield (cls, f"{cls}#{i}", text)


WORDS = ["name", "size", "min_instances", "tags", "a", "b", "ssh", "x1", "k-2", "key with space"]
LEAVES = [s for spellings in SCALARS.values() for s in spellings if s and not s[0] in "[]{}@`%!&*|>'\"?,#-" and ": " not in s and " #" not in s]


def quote(s, rng):
    style = rng.choice(["plain", "plain", "single", "double"])
    if style == "single":
        return "'" + s.replace("'", "''") + "'"
    if style == "double":
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def random_tree(rng, depth):
    r = rng.random()
    if depth >= 3 or r < 0.4:
        return ("leaf", quote(rng.choice(LEAVES), rng))
    if r < 0.7:
        keys = rng.sample(WORDS, rng.randint(1, 4))
        return ("map", [(k, random_tree(rng, depth + 1)) for k in keys])
    return ("seq", [random_tree(rng, depth + 1) for _ in range(rng.randint(1, 3))])


def flow(node):
    kind, body = node
    if kind == "leaf":
        return body
    if kind == "map":
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in body) + "}"
    return "[" + ", ".join(flow(v) for v in body) + "]"


def block(node, indent, rng):
    """Lines of a block rendering; a collection may switch to flow style at random."""
    kind, body = node
    pad = " " * indent
    lines = []
    if kind == "map":
        for k, v in body:
            if v[0] == "leaf" or rng.random() < 0.25:
                lines.append(f"{pad}{k}: {flow(v)}")
            else:
                lines.append(f"{pad}{k}:")
                step = rng.choice([2, 4]) if v[0] == "map" else rng.choice([0, 2])
                lines.extend(block(v, indent + step, rng))
    else:
        for v in body:
            if v[0] == "leaf" or rng.random() < 0.25:
                lines.append(f"{pad}- {flow(v)}")
            elif v[0] == "map":
                inner = block(v, indent + 2, rng)
                inner[0] = pad + "- " + inner[0][indent + 2:]
                lines.extend(inner)
            else:
                lines.append(f"{pad}-")
                lines.extend(block(v, indent + 2, rng))
    return lines


def random_cases(count, seed):
    rng = random.Random(seed)
    for i in range(count):
        keys = rng.sample(WORDS, rng.randint(1, 4))
        root = ("map", [(k, random_tree(rng, 1)) for k in keys])
        text = "\n".join(block(root, 0, rng)) + "\n"
        yield ("random-documents", f"random#{i}", text)


# JSON documents: `az ml compute create --file spec.json` reads them with the same yaml.safe_load,
# while we read .json files with our JSON parser.
JSON_CASES = [
    '{"name": "cpu-cluster", "type": "amlcompute", "min_instances": 0}\n',
    '{\n  "name": "cpu-cluster",\n  "tags": {"a": "b"}\n}\n',
    '{\n\t"name": "cpu-cluster",\n\t"type": "amlcompute"\n}\n',
    '{"name":"cpu-cluster","max_instances":4}\n',
    '{"a": 1, "a": 2}\n',
    '{"a": 1,}\n',
    '{"a": [1, 2,]}\n',
    '// comment\n{"a": 1}\n',
    '{"a": 1 /* comment */}\n',
    '{"a": 1e3}\n',
    '{"a": 1E3}\n',
    '{"a": 1.0e+3}\n',
    '{"a": 0.5e-2}\n',
    '{"a": -0}\n',
    '{"a": -0.0}\n',
    '{"a": 12345678901234567890}\n',
    '{"a": "\\/"}\n',
    '{"a": "\\ud83d\\ude00"}\n',
    '{"a": "x\\u0000y"}\n',
    '{"a": "\\u00e9"}\n',
    '{"a": "tab\\there"}\n',
    '{"a": "raw\ttab"}\n',
    '{"a": true, "b": false, "c": null}\n',
    '{"a": "yes", "b": "2024-05-01"}\n',
    '\ufeff{"a": 1}\n',
    '{"a": 1}\r\n',
    '{\r\n  "a": 1\r\n}\r\n',
    '{"a": 1} {"b": 2}\n',
    '{"a": }\n',
    "{'a': 1}\n",
    '{"a": 01}\n',
    '{"a": .5}\n',
    '{"a": +1}\n',
    '{"a": NaN}\n',
    '{"a": Infinity}\n',
    '[1, 2, 3]\n',
    '{"nested": {"deep": [{"x": 1}, {"y": [true, null]}]}}\n',
    '{"a":"b:c"}\n',
    '{"a": "#not a comment"}\n',
    '{"key with spaces": 1, "": 2}\n',
]


def json_cases():
    for i, text in enumerate(JSON_CASES):
        yield ("json-documents", f"json#{i}", text, ".json")
