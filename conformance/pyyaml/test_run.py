"""Tests of the referee's own logic (run by run.sh before the referee)."""

import datetime
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import run  # noqa: E402


class EncodingTest(unittest.TestCase):
    def test_python_values_take_the_shared_typed_form(self):
        self.assertEqual(run.encode(True), {"bool": True})  # bool before int: True is an int in Python
        self.assertEqual(run.encode(2 ** 70), {"int": str(2 ** 70)})
        self.assertEqual(run.encode(float("-inf")), {"float": "-inf"})
        self.assertEqual(run.encode(datetime.date(2024, 5, 1)), {"date": "2024-05-01"})
        self.assertEqual(run.encode(datetime.datetime(2026, 1, 1, 18)), {"timestamp": "2026-01-01T18:00:00"})
        self.assertEqual(run.encode({"a": [None]}), {"map": [[{"str": "a"}, {"seq": [{"null": None}]}]]})

    def test_a_recursive_alias_does_not_recurse_forever(self):
        loop = []
        loop.append(loop)
        self.assertEqual(run.encode(loop), {"seq": [{"recursive": True}]})


class ComparisonTest(unittest.TestCase):
    def test_mappings_compare_as_pyyaml_builds_them(self):
        ours = {"map": [[{"str": "a"}, {"int": "1"}], [{"str": "b"}, {"int": "2"}], [{"str": "a"}, {"int": "3"}]]}
        theirs = {"map": [[{"str": "b"}, {"int": "2"}], [{"str": "a"}, {"int": "3"}]]}
        self.assertEqual(run.normal(ours), run.normal(theirs))

    def test_floats_compare_by_value_and_types_matter(self):
        self.assertEqual(run.normal({"float": "1000.0"}), run.normal({"float": "1e3"}))
        self.assertNotEqual(run.normal({"float": "1.0"}), run.normal({"int": "1"}))
        self.assertNotEqual(run.normal({"str": "1"}), run.normal({"int": "1"}))

    def test_the_first_difference_names_its_path_and_types(self):
        ours = {"map": [[{"str": "k"}, {"str": "2024-05-01"}]]}
        theirs = {"map": [[{"str": "k"}, {"date": "2024-05-01"}]]}
        where, our_kind, their_kind = run.first_difference(ours, theirs)
        self.assertIn("k", where)
        self.assertEqual((our_kind.split()[0], their_kind.split()[0]), ("str", "date"))


class AnnotationTest(unittest.TestCase):
    def test_only_annotation_lines_are_stripped(self):
        text = ("name: x\n#     ^ error[AML201]: too short\n#^^^ warning[AML404]: idle\n"
                "# ^ a comment with a caret\n# error[AML1]: no caret\n")
        self.assertEqual(run.strip_annotations(text), "name: x\n# ^ a comment with a caret\n# error[AML1]: no caret\n")


if __name__ == "__main__":
    unittest.main()
