from pathlib import Path

# Where the end-to-end tests save their screenshots (git-ignored); listed at the end of a run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
