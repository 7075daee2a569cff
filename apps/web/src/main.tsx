import "./index.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Root } from "./App";

const container = document.getElementById("root");
if (container === null) throw new Error("#root missing");
createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
