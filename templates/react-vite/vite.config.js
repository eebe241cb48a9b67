import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The preview comes through Pier's edge-proxy, at http://<repl>.<pier domain>/ (a host name Vite does not know).
export default defineConfig({
  plugins: [react()],
  // Keep the install output above Vite's banner in the run pane.
  clearScreen: false,
  server: {
    host: "0.0.0.0",
    port: Number(process.env.PORT) || 5173,
    strictPort: true,
    // Accept the preview's host name, whatever Pier's domain is.
    allowedHosts: true,
    // Hot reload: with no hmr host or port set, the page connects its WebSocket back to the host and port it was
    // loaded from, which is the preview URL; the edge-proxy passes the WebSocket through to this server.
  },
});
