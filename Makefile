# The two Quick start commands; each does all set-up first (scripts/setup.sh).
.PHONY: demo test bench

demo:
	bash scripts/setup.sh test,examples
	.venv/bin/python examples/quickstart.py

test:
	bash scripts/setup.sh test,examples,crosscheck
	.venv/bin/ruff check .
	.venv/bin/python -m pytest

bench:
	bash scripts/setup.sh test,examples,bench
	.venv/bin/python benchmarks/run.py --output benchmarks/RESULTS.md
