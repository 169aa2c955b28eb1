#!/usr/bin/env python3
"""Writes the large spec shapes that were once super-linear (issue 14, defect 4) into DIR.

    benches/shapes.py DIR [DIVISOR]

DIVISOR 1 (the default) gives specs of about 10 MB each, the sizes benches/ten_mb.sh times;
benches/compare_outputs.sh uses 20: small files that still run past the 500-finding cap.
Python 3 standard library only.
"""
import os
import sys

HEAD = "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\n"
JSON_HEAD = '{"name": "c1", "location": "eastus", "properties": {"computeType": "AmlCompute"}'
# Each shape: its file name, and how to write it for a count of its repeated part.
SHAPES = [
    ("duplicate-keys.yml", 2_000_000, lambda n: HEAD + "a: 1\n" * n),
    ("unknown-keys.yml", 1_000_000, lambda n: HEAD + "".join(f"k{i}: 1\n" for i in range(n))),
    ("flow-mapping.yml", 850_000,
     lambda n: "{name: c1, type: amlcompute, " + ", ".join(f"k{i}: 1" for i in range(n)) + "}\n"),
    # 3.9 MB at full size, kept from the first measurements; the next one is 10 MB.
    ("flow-sequence.yml", 1_300_000,
     lambda n: HEAD + "identity:\n  type: user_assigned\n  user_assigned_identities: [" + "1, " * n + "1]\n"),
    ("flow-sequence-10mb.yml", 3_400_000,
     lambda n: HEAD + "identity:\n  type: user_assigned\n  user_assigned_identities: [" + "1, " * n + "1]\n"),
    ("duplicate-keys.json", 1_250_000, lambda n: JSON_HEAD + ', "a": 1' * n + "}\n"),
    # Unknown keys an alias brings: each is written during the walk, not after the cap.
    ("alias-unknown-keys.yml", 700_000,
     lambda n: HEAD + "tags: &a {" + ", ".join(f'k{i}: "1"' for i in range(n)) + "}\nidentity: *a\n"),
    ("deep-objects.json", 1_400_000, lambda n: '{"a":' * n + "1" + "}" * n),
    ("deep-arrays.json", 5_000_000, lambda n: "[" * n + "]" * n),
]


def main():
    directory = sys.argv[1]
    divisor = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    for name, count, write in SHAPES:
        with open(os.path.join(directory, name), "w") as f:
            f.write(write(count // divisor))
        print(name)


if __name__ == "__main__":
    main()
