// chainrule/node: the parts of chainrule that need Node.js (files, worker threads); the main entry stays browser-safe.

export {};
