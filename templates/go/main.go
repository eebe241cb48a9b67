// A Go web server using only the standard library: edit, then press Run (`go run .` builds and starts it).
package main

import (
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

var page = template.Must(template.New("page").Parse(`<!doctype html>
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
    <h1>Hello from Pier on Go</h1>
    <p>Edit <code>main.go</code> and run it again to see your changes.</p>
    <p>{{.Version}} &middot; up since {{.Started}}</p>
  </main>
</body>
</html>
`))

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	started := time.Now().UTC().Format(time.RFC3339)

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s", r.Method, r.URL)
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, map[string]string{"Version": runtime.Version(), "Started": started})
	})

	server := &http.Server{Addr: "0.0.0.0:" + port, Handler: mux}
	go func() {
		// Stop promptly when the run is stopped.
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
		<-stop
		server.Close()
	}()
	fmt.Printf("Listening on http://0.0.0.0:%s\n", port)
	if err := server.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
