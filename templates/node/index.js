// A plain Node.js HTTP server: no dependencies, edit and press Run.
const http = require("http");

const port = Number(process.env.PORT) || 3000;
const started = new Date();

const page = () => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Hello from Pier</title>
  <style>
    body { margin: 0; min-height: 100vh; display: grid; place-items: center;
           font-family: system-ui, sans-serif; background: #0f172a; color: #e2e8f0; }
    main { text-align: center; padding: 2rem; }
    h1 { font-size: 2.5rem; margin: 0 0 .5rem; }
    p { color: #94a3b8; }
    code { background: #1e293b; padding: .15rem .4rem; border-radius: .25rem; }
  </style>
</head>
<body>
  <main>
    <h1>Hello from Pier on Node.js</h1>
    <p>Edit <code>index.js</code> and run it again to see your changes.</p>
    <p>Node ${process.version} &middot; up since ${started.toISOString()}</p>
  </main>
</body>
</html>
`;

const server = http.createServer((req, res) => {
  console.log(`${new Date().toISOString()} ${req.method} ${req.url}`);
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  res.end(page());
});

server.listen(port, "0.0.0.0", () => {
  console.log(`Listening on http://0.0.0.0:${port}`);
});

// Stop promptly when the run is stopped.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
