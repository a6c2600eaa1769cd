"""Steps 2–5 (SPEC §6): the process file, tally sheets, ballot papers and the arithmetic of each step."""
