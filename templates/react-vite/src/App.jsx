import { useState } from "react";

export default function App() {
  const [count, setCount] = useState(0);

  return (
    <main>
      <h1>Hello from Pier on React</h1>
      <p>
        Edit <code>src/App.jsx</code> and save: the preview updates at once, and keeps its state.
      </p>
      <button onClick={() => setCount((c) => c + 1)}>Clicked {count} times</button>
    </main>
  );
}
