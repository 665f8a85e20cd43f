# SPDX-License-Identifier: BSD-3-Clause
# the mutation harness is a script, run by hand (see run_mutations.py)
collect_ignore = ["run_mutations.py"]
