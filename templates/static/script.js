// Runs in the browser, in the preview.
document.getElementById("greet").addEventListener("click", () => {
  document.getElementById("out").textContent = `Hello at ${new Date().toLocaleTimeString()}`;
});
