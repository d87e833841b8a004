// The playground's entry: builds the page (which sets the window.__playground test hook) and loads
// chainrule's panels.

/// <reference types="vite/client" />
import "./styles.css";
import { startApp } from "./ui/app.js";

// The panels register themselves with the panel host when imported (src/panels/index.ts, when present);
// a glob keeps the page building while that module does not exist yet.
import.meta.glob("./panels/index.ts", { eager: true });

const root = document.getElementById("app");
if (!root) throw new Error('playground: expected an element with id "app" in index.html, got none');
startApp(root);
