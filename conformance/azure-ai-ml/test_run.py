"""Tests of the referee's own logic (run by run.sh before the referee)."""

import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import mutations as m  # noqa: E402
import run  # noqa: E402

ROW = {"direction": "we-reject", "our_code": "AML405", "kinds": "computeinstance",
       "message": "^(?!.*this is 0 minutes)", "reason": "r", "source": "s"}


class CoveredTest(unittest.TestCase):
    def ours(self, *messages):
        return {"codes": sorted({msg.split()[0] for msg in messages}), "messages": list(messages)}

    def test_every_error_we_report_needs_a_row(self):
        accepted = [ROW]
        self.assertTrue(run.covered("only we reject", "computeinstance", self.ours("AML405 … this is 5 minutes."), {}, accepted))
        self.assertFalse(run.covered("only we reject", "computeinstance",
                                     self.ours("AML405 … this is 5 minutes.", "AML103 x"), {}, accepted))

    def test_kind_and_message_narrow_a_row(self):
        accepted = [ROW]
        self.assertFalse(run.covered("only we reject", "amlcompute", self.ours("AML405 … this is 5 minutes."), {}, accepted))
        self.assertFalse(run.covered("only we reject", "computeinstance", self.ours("AML405 … this is 0 minutes."), {}, accepted))

    def test_sdk_rows_match_the_sdk_message(self):
        accepted = [{"direction": "sdk-rejects", "our_code": "*", "kinds": "*", "message": "Number too large",
                     "reason": "r", "source": "s"}]
        sdk = {"message": 'ValidationError: { "max_instances": [ "Number too large." ] }'}
        self.assertTrue(run.covered("only the SDK rejects", "amlcompute", self.ours(), sdk, accepted))
        self.assertFalse(run.covered("only the SDK rejects", "amlcompute", self.ours(), {"message": "other"}, accepted))

    def test_sdk_rows_with_a_code_need_that_code_at_any_severity(self):
        accepted = [{"direction": "sdk-rejects", "our_code": "AML509", "kinds": "virtualmachine",
                     "message": "No such file or directory: '~", "reason": "r", "source": "s"}]
        sdk = {"message": "FileNotFoundError: [Errno 2] No such file or directory: '~/.ssh/id_rsa'"}
        warned = {"codes": [], "messages": [], "all_codes": ["AML509"]}
        self.assertTrue(run.covered("only the SDK rejects", "virtualmachine", warned, sdk, accepted))
        self.assertFalse(run.covered("only the SDK rejects", "virtualmachine", self.ours(), sdk, accepted))

    def test_the_reviewed_file_parses_and_names_a_source_on_every_row(self):
        rows = run.load_accepted(run.HERE / "accepted-differences.tsv")
        self.assertTrue(rows)
        for row in rows:
            self.assertIn(row["direction"], ("we-reject", "sdk-rejects"))
            self.assertTrue(row["reason"].strip() and row["source"].strip(), row)


class GenerateTest(unittest.TestCase):
    def test_generation_is_deterministic_and_large_enough(self):
        bases = run.load_bases(run.HERE.parents[1])
        first = run.generate(bases, 700, 7)
        self.assertEqual(first, run.generate(bases, 700, 7))
        self.assertGreaterEqual(len(first), 500)
        self.assertEqual(len({text for *_, text, _ in first}) > 500, True)

    def test_service_rejects_variants_carry_their_rule(self):
        bases = run.load_bases(run.HERE.parents[1])
        marked = [s for s in run.generate(bases, 700, 7) if s[5]]
        self.assertTrue(marked)
        self.assertTrue(all(s[5]["rule"] and s[5]["source"] for s in marked))

    def test_delete_survives_deep_copies(self):
        spec = {"type": "amlcompute", "size": "x"}
        self.assertTrue(m.setter("size")(spec, __import__("copy").deepcopy(m.DELETE)))
        self.assertNotIn("size", spec)


if __name__ == "__main__":
    unittest.main()
