// An Express web app: edit, then press Run (it runs `npm install` first, so added dependencies install).
const express = require("express");

const app = express();
const port = Number(process.env.PORT) || 3000;
const started = new Date();

// One log line per request, in the run pane.
app.use((req, res, next) => {
  console.log(`${new Date().toISOString()} ${req.method} ${req.url}`);
  next();
});

// Files under public/ are served as they are: public/style.css is /style.css.
app.use(express.static("public"));

app.get("/", (req, res) => {
  res.send(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Hello from Pier</title>
  <link rel="stylesheet" href="/style.css">
</head>
<body>
  <main>
    <h1>Hello from Pier on Express</h1>
    <p>Edit <code>index.js</code> and run it again to see your changes.</p>
    <p>Try the JSON route: <a href="/api/hello?name=Pier"><code>/api/hello?name=Pier</code></a></p>
    <p>Node ${process.version} &middot; up since ${started.toISOString()}</p>
  </main>
</body>
</html>
`);
});

app.get("/api/hello", (req, res) => {
  res.json({ hello: req.query.name || "world", at: new Date().toISOString() });
});

const server = app.listen(port, "0.0.0.0", () => {
  console.log(`Listening on http://0.0.0.0:${port}`);
});

// Stop promptly when the run is stopped.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
