"""A Python console program: edit, then press Run; its output shows in the run pane."""
import platform
from collections import Counter

print("Hello from Pier on Python")

text = "the quick brown fox jumps over the lazy dog the end"
words = Counter(text.split())
print("Most common words:", ", ".join(f"{w} ({n})" for w, n in words.most_common(3)))
print(f"Python {platform.python_version()}")
