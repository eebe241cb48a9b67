"""A minimal Flask app: edit and press Run."""
import os
import sys
from datetime import datetime, timezone

from flask import Flask

# Logs show up in the console at once, even when stdout is not a terminal.
sys.stdout.reconfigure(line_buffering=True)
sys.stderr.reconfigure(line_buffering=True)

app = Flask(__name__)
started = datetime.now(timezone.utc).isoformat(timespec="seconds")

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Hello from Pier</title>
  <style>
    body {{ margin: 0; min-height: 100vh; display: grid; place-items: center;
           font-family: system-ui, sans-serif; background: #0f172a; color: #e2e8f0; }}
    main {{ text-align: center; padding: 2rem; }}
    h1 {{ font-size: 2.5rem; margin: 0 0 .5rem; }}
    p {{ color: #94a3b8; }}
    code {{ background: #1e293b; padding: .15rem .4rem; border-radius: .25rem; }}
  </style>
</head>
<body>
  <main>
    <h1>Hello from Pier on Python Flask</h1>
    <p>Edit <code>main.py</code> and run it again to see your changes.</p>
    <p>Python {version} &middot; up since {started}</p>
  </main>
</body>
</html>
"""


@app.route("/")
def index():
    return PAGE.format(version=sys.version.split()[0], started=started)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "5000"))
    print(f"Listening on http://0.0.0.0:{port}")
    app.run(host="0.0.0.0", port=port)
